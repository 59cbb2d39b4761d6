using Multiplexer.Actors.Config;

namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>Settings as a user writes them: a small multiplexer.hocon, with what a spec needs added.</summary>
internal static class TestSettings
{
    public const string PortRange = "10300..10309";

    public static string Hocon(string extra = "") => $$"""
        multiplexer {
          pool { size = 2, max-overflow = 2, checkout-timeout = 10s }
          http { bind = "127.0.0.1", port = 0 }
          service { base-url = "http://127.0.0.1", port-range = "{{PortRange}}", start-cmd = "node index.js %PORT%" }
          admin { port = 0 }
        }
        {{extra}}
        """;

    public static MultiplexerSettings Parse(string extra = "") => SettingsLoader.Parse(Hocon(extra), Path.GetTempPath());
}
