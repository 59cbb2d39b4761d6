using Multiplexer.Actors.Config;
using Xunit;

namespace Multiplexer.Actors.Tests.Config;

public sealed class SettingsLoaderSpecs : IDisposable
{
    private const string Minimal = "multiplexer.service.start-cmd = \"x\"";

    private const string FullExample = """
        akka { loglevel = INFO }
        multiplexer {
          pool {
            size = 5                 # permanent workers (>= 1)
            max-overflow = 15        # temporary workers on top (>= 0)
            strategy = fifo          # fifo | lifo
            checkout-timeout = 30s
            max-waiting = 1024
            overflow-idle-timeout = 10s
          }
          http {
            bind = "0.0.0.0"
            port = 3000
            proxy-timeout = 5m
            request-buffering = on
            response-buffering = on
            buffer-memory = 64KB
            max-request-body = unlimited
            drain-timeout = 10s
          }
          service {
            base-url = "http://localhost"
            port-range = "10300..10350"
            start-cmd = "node index.js %PORT%"
            start-delay = wait-first-output
            ready-timeout = 30s
            kill-pattern = "index.js"
            working-directory = "."
            environment { }
            stop-timeout = 5s
            restart {
              min-backoff = 100ms
              max-backoff = 10s
              reset-after = 60s
            }
          }
        }
        """;

    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_parse_the_full_example()
    {
        var settings = SettingsLoader.Parse(FullExample, _dir.Path, "/etc/multiplexer.conf");

        Assert.Equal(
            new PoolSettings(5, 15, PoolStrategy.Fifo, TimeSpan.FromSeconds(30), 1024, TimeSpan.FromSeconds(10)) { SlowRequest = TimeSpan.FromSeconds(10) },
            settings.Pool);
        Assert.Equal(
            new HttpSettings("0.0.0.0", 3000, TimeSpan.FromMinutes(5), true, true, 65536, null, TimeSpan.FromSeconds(10)),
            settings.Http);
        var service = settings.Service;
        Assert.Equal(new Uri("http://localhost"), service.BaseUrl);
        Assert.Equal(new PortRange(10300, 10350), service.PortRange);
        Assert.Equal("node index.js %PORT%", service.StartCmd);
        Assert.True(service.StartDelay.WaitsForFirstOutput);
        Assert.Equal(TimeSpan.FromSeconds(30), service.ReadyTimeout);
        Assert.Equal("index.js", service.KillPattern);
        Assert.Equal(_dir.Path, service.WorkingDirectory);
        Assert.Empty(service.Environment);
        Assert.Equal(TimeSpan.FromSeconds(5), service.StopTimeout);
        Assert.Equal(
            new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)),
            service.Restart);
        Assert.Equal("/etc/multiplexer.conf", settings.SourcePath);
        Assert.Equal("INFO", settings.Hocon.GetString("akka.loglevel"));
    }

    [Fact]
    public void Should_fill_defaults_into_a_minimal_file()
    {
        var full = SettingsLoader.Parse(FullExample, _dir.Path);

        var minimal = SettingsLoader.Parse(Minimal, _dir.Path);

        Assert.Equal(full.Pool, minimal.Pool);
        Assert.Equal(full.Http, minimal.Http);
        Assert.Equal(full.Service with { StartCmd = "x", KillPattern = "" }, minimal.Service);
    }

    [Fact]
    public void Should_read_non_default_values()
    {
        var hocon = Minimal + """

            multiplexer {
              pool { strategy = lifo, size = 2, max-overflow = 0 }
              http {
                bind = "::1", port = 0, request-buffering = off, response-buffering = no
                buffer-memory = 1 MiB, max-request-body = 10m
              }
              service {
                base-url = "http://127.0.0.1/"
                start-delay = 1500ms
                kill-pattern = ""
                working-directory = "sub"
                environment { NODE_ENV = production, WORKERS = 4, DEBUG = true, "dotted.name" = x }
              }
            }
            """;
        Directory.CreateDirectory(Path.Combine(_dir.Path, "sub"));

        var settings = SettingsLoader.Parse(hocon, _dir.Path);

        Assert.Equal(PoolStrategy.Lifo, settings.Pool.Strategy);
        Assert.Equal(2, settings.Pool.MaxWorkers);
        Assert.Equal(("::1", 0, false, false), (settings.Http.Bind, settings.Http.Port, settings.Http.RequestBuffering, settings.Http.ResponseBuffering));
        Assert.Equal(1024 * 1024, settings.Http.BufferMemory);
        Assert.Equal(10L * 1024 * 1024, settings.Http.MaxRequestBody);
        Assert.Equal(new Uri("http://127.0.0.1"), settings.Service.BaseUrl);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.Service.StartDelay.Fixed);
        Assert.Equal("", settings.Service.KillPattern);
        Assert.Equal(Path.Combine(_dir.Path, "sub"), settings.Service.WorkingDirectory);
        Assert.Equal(
            new Dictionary<string, string> { ["NODE_ENV"] = "production", ["WORKERS"] = "4", ["DEBUG"] = "true", ["dotted.name"] = "x" },
            settings.Service.Environment);
    }

    [Theory]
    [InlineData("multiplexer.pool.strategy = fiffo", "multiplexer.pool.strategy: must be fifo or lifo, got 'fiffo'")]
    [InlineData("multiplexer.service.port-range = \"10300-10350\"", "multiplexer.service.port-range: expected an inclusive range a..b")]
    [InlineData("multiplexer.service.port-range = \"10350..10300\"", "multiplexer.service.port-range: expected an inclusive range a..b")]
    [InlineData("multiplexer.service.port-range = \"10300..10302\"", "multiplexer.service.port-range: 10300..10302 holds 3 ports, fewer than size + max-overflow = 20")]
    [InlineData("multiplexer.pool.size = 0", "multiplexer.pool.size: must be at least 1, got 0")]
    [InlineData("multiplexer.pool.size = \"five\"", "multiplexer.pool.size: expected an integer, got 'five'")]
    [InlineData("multiplexer.pool.max-overflw = 3", "multiplexer.pool.max-overflw: unknown key (did you mean max-overflow?)")]
    [InlineData("multiplexer.pol { size = 3 }", "multiplexer.pol: unknown key (did you mean pool?)")]
    [InlineData("multiplexer.service.restart.jitter = 3", "multiplexer.service.restart.jitter: unknown key")]
    [InlineData("multiplexer.pool.checkout-timeout = banana", "multiplexer.pool.checkout-timeout: expected a duration such as 30s, got 'banana'")]
    [InlineData("multiplexer.pool.checkout-timeout = 0s", "multiplexer.pool.checkout-timeout: must be greater than 0, got 0s")]
    [InlineData("multiplexer.pool.checkout-timeout = [1, 2]", "multiplexer.pool.checkout-timeout: expected a duration such as 30s, got a list")]
    [InlineData("multiplexer.pool.checkout-timeout { a = 1 }", "multiplexer.pool.checkout-timeout: expected a duration such as 30s, got an object")]
    [InlineData("multiplexer.http.buffer-memory = 64 parsecs", "multiplexer.http.buffer-memory: expected a byte size such as 64KB, got '64 parsecs'")]
    [InlineData("multiplexer.http.buffer-memory = 0", "multiplexer.http.buffer-memory: must be between 1 and 2147483647, got 0")]
    [InlineData("multiplexer.http.max-request-body = lots", "multiplexer.http.max-request-body: expected unlimited or a byte size")]
    [InlineData("multiplexer.http.port = 70000", "multiplexer.http.port: must be between 0 and 65535, got 70000")]
    [InlineData("multiplexer.http.bind = \"example.com\"", "multiplexer.http.bind: must be an IP address")]
    [InlineData("multiplexer.http.request-buffering = maybe", "multiplexer.http.request-buffering: expected on or off, got 'maybe'")]
    [InlineData("multiplexer.service.base-url = \"https://localhost\"", "multiplexer.service.base-url: must start with http://")]
    [InlineData("multiplexer.service.base-url = \"http://localhost/api\"", "multiplexer.service.base-url: must not have a path")]
    [InlineData("multiplexer.service.base-url = \"http://localhost:8080\"", "multiplexer.service.base-url: must not contain a port")]
    [InlineData("multiplexer.service.base-url = \"http://localhost?a=1\"", "multiplexer.service.base-url: must not have a query")]
    [InlineData("multiplexer.service.working-directory = \"no-such-dir\"", "multiplexer.service.working-directory: directory '")]
    [InlineData("multiplexer.service.start-delay = soon", "multiplexer.service.start-delay: expected wait-first-output or a duration")]
    [InlineData("multiplexer.service.restart.max-backoff = 50ms", "multiplexer.service.restart.max-backoff: must be at least min-backoff (100ms), got 50ms")]
    [InlineData("multiplexer.service.environment { A { b = 1 } }", "multiplexer.service.environment.A: expected a string, number or boolean, got an object")]
    [InlineData("multiplexer.pool = 3", "multiplexer.pool: expected an object { ... }, got '3'")]
    [InlineData("multiplexer.pool.min-spare = -1", "multiplexer.pool.min-spare: must be at least 0, got -1")]
    [InlineData("multiplexer.pool.min-spare = 16", "multiplexer.pool.min-spare: must be at most max-overflow (15), got 16")]
    [InlineData("multiplexer.http.slow-request = 5m", "multiplexer.http.slow-request: must be below proxy-timeout (5m) or 0s (off), got 5m")]
    [InlineData("multiplexer.http.slow-request = -1s", "multiplexer.http.slow-request: must not be negative, got -1s")]
    [InlineData("multiplexer.http.shutdown-delay = -1s", "multiplexer.http.shutdown-delay: must not be negative, got -1s")]
    [InlineData("multiplexer.http.shutdown-delay = soon", "multiplexer.http.shutdown-delay: expected a duration such as 30s, got 'soon'")]
    [InlineData("multiplexer.admin.token = \"two words\"", "multiplexer.admin.token: must not contain spaces or control characters")]
    [InlineData("multiplexer.admin.port = -1", "multiplexer.admin.port: must be between 0 and 65535, got -1")]
    [InlineData("multiplexer.logging.format = xml", "multiplexer.logging.format: must be text or json, got 'xml'")]
    [InlineData("multiplexer.logging.level = loud", "multiplexer.logging.level: must be one of trace, debug, info, warning, error, got 'loud'")]
    [InlineData("multiplexer.http.tls { key = \"k.pem\" }", "multiplexer.http.tls.certificate: is required when http.tls is present")]
    [InlineData("multiplexer.http.tls { certificate = \"missing.pem\", key = \"missing.pem\" }", "multiplexer.http.tls.certificate: file '")]
    public void Should_reject_an_invalid_value_naming_its_key(string line, string expectedStart)
    {
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Parse(Minimal + "\n" + line, _dir.Path));

        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(error.Key + ": ", error.Message, StringComparison.Ordinal);
        Assert.Single(error.Errors, e => !e.StartsWith("multiplexer.http.tls.key", StringComparison.Ordinal));
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("multiplexer.pool.size = 3")]
    [InlineData("multiplexer.service.start-cmd = \"  \"")]
    [InlineData("multiplexer.service.start-cmd = null")]
    public void Should_require_a_start_command(string hocon)
    {
        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Parse(hocon, _dir.Path));

        Assert.Equal("multiplexer.service.start-cmd", error.Key);
        Assert.StartsWith("multiplexer.service.start-cmd: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_collect_every_error()
    {
        const string hocon = """
            multiplexer {
              pool { size = 0, strategy = fiffo, max-overflw = 3 }
              http { proxy-timeout = banana }
              service { base-url = "https://x" }
            }
            """;

        var error = Assert.Throws<SettingsException>(() => SettingsLoader.Parse(hocon, _dir.Path));

        Assert.Equal(
            [
                "multiplexer.pool.size",
                "multiplexer.pool.strategy",
                "multiplexer.http.proxy-timeout",
                "multiplexer.service.base-url",
                "multiplexer.service.start-cmd",
                "multiplexer.pool.max-overflw",
            ],
            error.Errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Equal(error.Errors[0], error.Message);
        Assert.Equal("multiplexer.pool.size", error.Key);
    }

    [Fact]
    public void Should_read_the_keys_of_spare_workers_slow_requests_shutdown_and_the_admin_token()
    {
        const string hocon = Minimal + """

            multiplexer {
              pool { max-overflow = 4, min-spare = 2 }
              http { proxy-timeout = 30s, slow-request = 2s, shutdown-delay = 5s }
              admin.token = "s3cret"
            }
            """;

        var settings = SettingsLoader.Parse(hocon, _dir.Path);

        Assert.Equal(2, settings.Pool.MinSpare);
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)), (settings.Pool.SlowRequest, settings.Http.ShutdownDelay));
        Assert.Equal("s3cret", settings.Admin.Token);
    }

    [Fact]
    public void Should_default_to_no_spares_a_ten_second_slow_request_no_shutdown_delay_and_no_token()
    {
        var settings = SettingsLoader.Parse(Minimal, _dir.Path);

        Assert.Equal(0, settings.Pool.MinSpare);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.Zero), (settings.Pool.SlowRequest, settings.Http.ShutdownDelay));
        Assert.Equal("", settings.Admin.Token);
    }

    [Theory]
    [InlineData("proxy-timeout = 10s", 0)]
    [InlineData("proxy-timeout = 1s", 0)]
    [InlineData("proxy-timeout = 11s", 10)]
    [InlineData("proxy-timeout = 1s, slow-request = 0s", 0)]
    [InlineData("proxy-timeout = 2s, slow-request = 1s", 1)]
    public void Should_keep_a_config_with_a_short_proxy_timeout_loading_by_leaving_slow_request_off(string http, int seconds)
    {
        var settings = SettingsLoader.Parse($"{Minimal}\nmultiplexer.http {{ {http} }}", _dir.Path);

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.Pool.SlowRequest);
    }

    [Fact]
    public void Should_ignore_everything_outside_the_multiplexer_section()
    {
        var settings = SettingsLoader.Parse("akka { whatever = 1 }\nother.stuff = [1, 2]\n" + Minimal, _dir.Path);

        Assert.Equal(5, settings.Pool.Size);
    }
}
