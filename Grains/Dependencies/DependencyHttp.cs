using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansConsistency.Grains.Dependencies;

/// <summary>
/// One JSON POST to a dependency with an idempotency key, its answer sorted the way the pipeline needs it: 2xx is the
/// answer; 5xx, 408 and 429 are transient (<see cref="HttpRequestException"/> with the status); any other 4xx is a
/// refusal retrying cannot change (<see cref="DependencyRejectedException"/> with the problem's detail).
/// </summary>
public static class DependencyHttp
{
    /// <summary>The name of the <see cref="HttpClient"/> dependencies are called with (<c>IHttpClientFactory</c>).</summary>
    public const string HttpClientName = "dependencies";

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> under the dependency's base URL.</summary>
    /// <exception cref="InvalidOperationException">The dependency has no base URL configured.</exception>
    public static async Task<JsonNode?> PostAsync(HttpClient http, Dependency dependency, string path, string idempotencyKey, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(dependency);
        ArgumentNullException.ThrowIfNull(body);
        var baseUrl = dependency.Options.BaseUrl ?? throw new InvalidOperationException($"Dependencies:{dependency.Name}:BaseUrl is not set.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, path));
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        var code = (int)status;
        if (response.IsSuccessStatusCode)
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }

        if (code is >= 400 and < 500 && status is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests)
        {
            throw new DependencyRejectedException(status, Detail(text) ?? $"{dependency.DisplayName} answered {code} {response.ReasonPhrase}");
        }

        throw new HttpRequestException($"{dependency.DisplayName} answered {code} {response.ReasonPhrase}.", null, status);
    }

    private static string? Detail(string problem)
    {
        try
        {
            return JsonNode.Parse(problem)?["detail"]?.GetValue<string>()?.TrimEnd('.');
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
