using OrleansConsistency.Dependencies.Chaos;
using OrleansConsistency.Dependencies.Messaging;
using OrleansConsistency.Dependencies.Payments;

namespace OrleansConsistency.Dependencies.Hosting;

/// <summary>
/// Builds one sample service (<c>Service</c> setting or <c>--service</c>: <c>payment</c> or <c>messaging</c>) with its
/// control endpoint: <c>GET /control</c> shows and <c>PUT /control</c> sets its <see cref="ChaosSettings"/>.
/// </summary>
public static class DependencyServiceHost
{
    /// <summary>The services this project can run.</summary>
    public static readonly IReadOnlyList<string> Services = ["payment", "messaging"];

    /// <summary>Builds the service named by the arguments or configuration.</summary>
    /// <exception cref="ArgumentException">The service name is missing or unknown.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var service = builder.Configuration["service"] ?? builder.Configuration["Service"];
        if (service is null || !Services.Contains(service))
        {
            throw new ArgumentException($"Say which service to run: --service {string.Join(" or --service ", Services)}.", nameof(args));
        }

        builder.Services.AddSingleton<ChaosControl>();
        builder.Services.AddSingleton<PaymentLedger>();
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.UseExceptionHandler();
        if (service == "payment")
        {
            app.MapPaymentsApi();
        }
        else
        {
            app.MapMessagingApi();
        }

        app.MapGet("/control", (ChaosControl chaos) => Results.Ok(chaos.Settings));
        app.MapPut("/control", (ChaosSettings settings, ChaosControl chaos) =>
        {
            if (settings.Problem() is { } problem)
            {
                return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
            }

            chaos.Settings = settings;
            return Results.Ok(settings);
        });
        return app;
    }
}
