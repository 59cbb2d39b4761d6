using Multiplexer.Actors.Config;
using Xunit;

namespace Multiplexer.Actors.Tests.Config;

public sealed class SettingsRenderSpecs : IDisposable
{
    private const string Minimal = "multiplexer.service.start-cmd = \"x\"";

    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_render_settings_that_parse_back_to_equal_settings()
    {
        var hocon = Minimal + """

            multiplexer.pool { strategy = lifo, checkout-timeout = 1.5s, overflow-idle-timeout = 90s }
            multiplexer.http { max-request-body = 1536, buffer-memory = 2MB, response-buffering = off, bind = localhost }
            multiplexer.http.tls { certificate = "cert.pem", key = "key.pem" }
            multiplexer.pool { max-overflow = 4, min-spare = 2 }
            multiplexer.http { slow-request = 1500ms, shutdown-delay = 5s }
            multiplexer.admin { port = 0, token = "s3cret/with+signs=" }
            multiplexer.logging { format = json, level = debug }
            multiplexer.service {
              start-cmd = "node \"my app\".js %PORT%\tx"
              start-delay = 250ms
              kill-pattern = "my app"
              environment { A = "1", "B.C" = "quote\" and \\ backslash" }
            }
            """;
        File.WriteAllText(Path.Combine(_dir.Path, "cert.pem"), "");
        File.WriteAllText(Path.Combine(_dir.Path, "key.pem"), "");
        var settings = SettingsLoader.Parse(hocon, _dir.Path, "/etc/m.conf");

        var rendered = SettingsLoader.Render(settings);
        var reparsed = SettingsLoader.Parse(rendered, "/", "/etc/m.conf");

        Assert.Equal(settings, reparsed);
        Assert.Contains("checkout-timeout = 1500ms", rendered, StringComparison.Ordinal);
        Assert.Contains("max-request-body = 1536B", rendered, StringComparison.Ordinal);
        Assert.Contains("start-delay = 250ms", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_render_every_key_of_the_defaults()
    {
        var settings = SettingsLoader.Parse(Minimal, _dir.Path);

        var rendered = SettingsLoader.Render(settings);

        Assert.Equal(settings, SettingsLoader.Parse(rendered, _dir.Path));
        foreach (var key in new[]
                 {
                     "size = 5", "max-overflow = 15", "strategy = fifo", "checkout-timeout = 30s", "max-waiting = 1024",
                     "overflow-idle-timeout = 10s", "bind = \"0.0.0.0\"", "port = 3000", "proxy-timeout = 5m",
                     "request-buffering = on", "response-buffering = on", "buffer-memory = 64KB",
                     "max-request-body = unlimited", "drain-timeout = 10s", "base-url = \"http://localhost\"",
                     "port-range = \"10300..10350\"", "start-cmd = \"x\"", "start-delay = wait-first-output",
                     "ready-timeout = 30s", "kill-pattern = \"\"", "working-directory = ", "environment {",
                     "stop-timeout = 5s", "min-backoff = 100ms", "max-backoff = 10s", "reset-after = 1m",
                     "bind = \"127.0.0.1\"", "port = 3001", "format = text", "level = info",
                     "min-spare = 0", "slow-request = 10s", "shutdown-delay = 0s", "token = \"\"",
                 })
        {
            Assert.Contains(key, rendered, StringComparison.Ordinal);
        }
    }
}
