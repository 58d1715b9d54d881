using System.Text;

namespace OrleansConsistency.Api.Tests.Security;

/// <summary>
/// Makes hostile requests from a seed: request number <c>i</c> is always the same request. Every value a client picks
/// (types, ids, header values) carries <c>marker</c>, so a test can look for any of them where none may appear.
/// </summary>
internal sealed class HostileRequests(int seed, string marker)
{
    private static readonly string[] Odd =
    [
        "' OR 1=1 --", "\"; DROP TABLE events; --", "<script>alert(1)</script>", "../../etc/passwd", "%2e%2e%2f", "%01", "%C3%28",
        "%FF%FE", "{{7*7}}", "${jndi:ldap://x}", "\u00e9\u00e8", "\ud83d\ude00", "a b", "UPPER", "-dash", ".dot", "x%2Fy", "*", "~",
        "null", "NaN", "9999999999999999999999",
    ];

    private static readonly string[] Bodies =
    [
        "", "{", "[]", "null", "\"text\"", "{\"op\":\"set\"}", "{\"op\":\"explode\",\"payload\":{}}", "{\"op\":\"set\",\"payload\":[]}",
        "{\"op\":\"increment\",\"payload\":{\"n\":1e999999}}", "{\"op\":\"set\",\"payload\":{},\"expectedVersion\":-5}",
        "{\"op\":\"set\",\"payload\":{},\"expectedVersion\":\"1\"}", "{\"op\":\"set\",\"op\":\"delete\",\"payload\":{}}",
        "{\"op\":\"merge\",\"payload\":{\"a\":{\"b\":{\"c\":null}}}}", "{\"op\":\"set\",\"payload\":{}}", "{\"op\":\"add\",\"payload\":{\"tags\":[1,{}]}}",
    ];

    private static readonly string[] ContentTypes = ["application/json", "text/plain", "application/json; charset=latin1", "application/merge-patch+json", "multipart/form-data"];

    private static readonly string[] HeaderNames = ["Idempotency-Key", "X-Correlation-Id", "Prefer", "If-Match", "Request-Timeout", "Last-Event-ID", "If-None-Match", "Accept"];

    /// <summary>Request number <paramref name="i"/>, and a line that describes it for a failure message.</summary>
    public HttpRequestMessage Create(int i, out string description)
    {
        var random = new Random(HashCode.Combine(seed, i));
        // Types that can be valid are "fuzz" only: an accepted intent names its type on the metrics, by design.
        var type = random.Next(4) == 0 ? "fuzz" : Name(random) + "_";
        var id = random.Next(4) == 0 ? $"ok-{marker}-{random.Next(50)}" : Name(random);
        var (method, path) = random.Next(8) switch
        {
            0 => ("GET", $"/v1/resources/{type}/{id}?consistency={Name(random)}&minVersion={Name(random)}"),
            1 => ("GET", $"/v1/resources/{type}?limit={Name(random)}&after={Name(random)}"),
            2 => ("GET", $"/v1/resources/{type}/{id}/intents/{Name(random)}"),
            3 => ("GET", $"/v1/resources/{type}_/{Name(random)}/events"),
            4 => ("POST", $"/v1/resources/{type}/{id}/rebuild?replace={Name(random)}"),
            5 => ("PATCH", $"/v1/resources/{type}/{id}"),
            _ => ("POST", $"/v1/resources/{type}/{id}/intents"),
        };

        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        var body = "-";
        if (method is "POST" or "PATCH")
        {
            var bytes = Body(random, out body);
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentTypes[random.Next(ContentTypes.Length)]);
        }

        for (var h = random.Next(4); h > 0; h--)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames[random.Next(HeaderNames.Length)], HeaderValue(random));
        }

        if (random.Next(3) > 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", $"{marker}-{random.Next()}");
        }

        description = $"{method} {path} body={body}";
        return request;
    }

    private string Name(Random random) => random.Next(6) switch
    {
        0 => $"{marker}{new string('a', random.Next(60, 400))}",
        1 => $"{Odd[random.Next(Odd.Length)]}{marker}",
        2 => $"{marker}{Uri.EscapeDataString(Odd[random.Next(Odd.Length)])}",
        3 => $"{marker}-{random.Next(1000)}",
        4 => $"{marker}:{random.Next(1000)}@x",
        _ => $"{marker}{Odd[random.Next(Odd.Length)]}",
    };

    private string HeaderValue(Random random) => random.Next(5) switch
    {
        0 => $"{marker}{new string('h', random.Next(300, 9000))}",
        1 => $"{marker}\u00ff\u00fe",
        2 => $"wait={random.Next(-5, 100000)}{marker}",
        3 => $"\"{marker}\", W/\"{random.Next()}\"",
        _ => $"{Odd[random.Next(Odd.Length)]}{marker}",
    };

    private byte[] Body(Random random, out string description)
    {
        switch (random.Next(5))
        {
            case 0:
                var depth = random.Next(30, 5000);
                description = $"{depth} nested arrays";
                return Encoding.UTF8.GetBytes($"{{\"op\":\"set\",\"payload\":{{\"a\":{new string('[', depth)}{new string(']', depth)}}}}}");
            case 1:
                description = "bad UTF-8";
                return [.. Encoding.UTF8.GetBytes("{\"op\":\"set\",\"payload\":{\"a\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes($"{marker}\"}}}}")];
            case 2:
                var size = random.Next(10_000, 1_200_000);
                description = $"{size}-character string";
                return Encoding.UTF8.GetBytes($"{{\"op\":\"set\",\"payload\":{{\"a\":\"{new string('z', size)}\"}}}}");
            default:
                description = Bodies[random.Next(Bodies.Length)];
                return Encoding.UTF8.GetBytes(description.Replace("{}", $"{{\"m\":\"{marker}\"}}", StringComparison.Ordinal));
        }
    }
}
