using System.Globalization;
using OrleansConsistency.Grains.Interfaces.Resources;

namespace OrleansConsistency.StreamSubscriber;

/// <summary>
/// What the command line asks for: <c>&lt;type&gt; &lt;id&gt; [--from-version N] [--gateway host:port]
/// [--connect-timeout seconds] [--cluster-id X] [--service-id X]</c>.
/// </summary>
internal sealed record SubscriberArguments(ResourceKey Resource, long? FromVersion, string GatewayHost, int GatewayPort, TimeSpan ConnectTimeout, string ClusterId, string ServiceId)
{
    public const string Usage = "usage: StreamSubscriber <type> <id> [--from-version N] [--gateway 127.0.0.1:30000] [--connect-timeout 15 (seconds to wait for the gateway)] [--cluster-id orleansconsistency] [--service-id orleansconsistency]";

    /// <summary>Parses the arguments, or returns the one line that says what is wrong.</summary>
    public static (SubscriberArguments? Arguments, string? Error) Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        long? fromVersion = null;
        var (host, port) = ("127.0.0.1", 30000);
        var connectTimeout = TimeSpan.FromSeconds(15);
        var (clusterId, serviceId) = ("orleansconsistency", "orleansconsistency");
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{arg} needs a value. {Usage}");
            }

            var value = args[++i];
            switch (arg)
            {
                case "--from-version" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version):
                    fromVersion = version;
                    break;
                case "--from-version":
                    return (null, $"--from-version must be a whole number, 0 or more (the last version you have), not '{value}'.");
                case "--gateway" when TryParseEndpoint(value, out var gatewayHost, out var gatewayPort):
                    (host, port) = (gatewayHost, gatewayPort);
                    break;
                case "--gateway":
                    return (null, $"--gateway must be host:port with a port from 1 to 65535, e.g. 127.0.0.1:30000, not '{value}'.");
                case "--connect-timeout" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 3600:
                    connectTimeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "--connect-timeout":
                    return (null, $"--connect-timeout must be a whole number of seconds from 1 to 3600, not '{value}'.");
                case "--cluster-id":
                    clusterId = value;
                    break;
                case "--service-id":
                    serviceId = value;
                    break;
                default:
                    return (null, $"Unknown option {arg}. {Usage}");
            }
        }

        if (positional.Count != 2)
        {
            return (null, $"Give a resource type and id. {Usage}");
        }

        if (!ResourceKey.IsValidType(positional[0]))
        {
            return (null, $"The resource type '{positional[0]}' is not valid: use 1–64 lower-case letters, digits or dashes, starting with a letter.");
        }

        if (!ResourceKey.IsValidId(positional[1]))
        {
            return (null, $"The resource id '{positional[1]}' is not valid: use 1–200 letters, digits or . _ ~ - : @, starting with a letter or digit.");
        }

        return (new SubscriberArguments(new ResourceKey(positional[0], positional[1]), fromVersion, host, port, connectTimeout, clusterId, serviceId), null);
    }

    private static bool TryParseEndpoint(string value, out string host, out int port)
    {
        var colon = value.LastIndexOf(':');
        host = colon > 0 ? value[..colon] : string.Empty;
        port = 0;
        return colon > 0 && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
    }
}
