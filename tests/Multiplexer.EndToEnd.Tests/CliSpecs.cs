using System.Net;
using System.Reflection;
using Multiplexer.Actors.Config;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>The commands of the real program: run, check, convert, --help and --version.</summary>
public sealed class CliSpecs : IDisposable
{
    /// <summary>The example config.exs of the Elixir original, as its README.ru.md shows it (examples/seed/config.exs).</summary>
    private static readonly string SeedExample = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seed-config.exs"));

    private readonly string _dir = Directory.CreateTempSubdirectory("multiplexer-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Should_check_a_good_config_printing_it_whole_with_defaults()
    {
        var path = Write("multiplexer.hocon", new HostConfig { Strategy = "lifo" }.ToHocon());

        var result = await Cli.RunAsync(_dir, "check", path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        foreach (var section in new[] { "multiplexer {", "pool {", "http {", "service {", "restart {", "environment" })
        {
            Assert.Contains(section, result.Stdout, StringComparison.Ordinal);
        }
        Assert.Contains("strategy = lifo", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("buffer-memory = 64KB", result.Stdout, StringComparison.Ordinal); // a default the file does not set
        Assert.Equal(SettingsLoader.Load(path), SettingsLoader.Parse(result.Stdout, _dir, path));
    }

    [Fact]
    public async Task Should_exit_2_with_every_error_of_a_bad_config_on_its_own_line()
    {
        var hocon = new HostConfig { Strategy = "fiffo", MaxWaiting = -1 }.ToHocon();
        var path = Write("multiplexer.hocon", hocon);

        var result = await Cli.RunAsync(_dir, "check", path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Collection(
            result.StderrLines,
            line => Assert.StartsWith("multiplexer.pool.strategy: must be fifo or lifo, got 'fiffo'", line, StringComparison.Ordinal),
            line => Assert.StartsWith("multiplexer.pool.max-waiting: must be at least 0, got -1", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_convert_the_seed_example_to_equivalent_hocon()
    {
        var path = Write("config.exs", SeedExample);

        var result = await Cli.RunAsync(_dir, "convert", "config.exs");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        Assert.StartsWith("# Converted by `multiplexer convert` from config.exs", result.Stdout, StringComparison.Ordinal);
        var settings = SettingsLoader.Parse(result.Stdout, _dir);
        Assert.Equal((5, 15, PoolStrategy.Fifo), (settings.Pool.Size, settings.Pool.MaxOverflow, settings.Pool.Strategy));
        Assert.Equal((3000, TimeSpan.FromMinutes(5)), (settings.Http.Port, settings.Http.ProxyTimeout));
        Assert.Equal(new Uri("http://localhost"), settings.Service.BaseUrl);
        Assert.Equal(new PortRange(10300, 10350), settings.Service.PortRange);
        Assert.Equal("node index.js %PORT%", settings.Service.StartCmd);
        Assert.True(settings.Service.StartDelay.WaitsForFirstOutput);
        Assert.Equal("index.js", settings.Service.KillPattern);
        Assert.Equal(_dir, settings.Service.WorkingDirectory);
    }

    [Fact]
    public async Task Should_exit_2_with_one_line_naming_the_line_of_a_seed_file_it_cannot_understand()
    {
        Write("config.exs", SeedExample.Replace("pool_size: 5,", "pool_size: 5 $", StringComparison.Ordinal));

        var result = await Cli.RunAsync(_dir, "convert", "config.exs");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("config.exs: line 3, column 16: unexpected character '$'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_print_the_informational_version()
    {
        var expected = Assembly.Load(new AssemblyName("multiplexer"))
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var result = await Cli.RunAsync(_dir, "--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.Stdout.Trim());
    }

    [Fact]
    public async Task Should_describe_every_command_in_help()
    {
        var result = await Cli.RunAsync(_dir, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        foreach (var text in new[] { "run", "check", "convert <config.exs>", "--version", "--help" })
        {
            Assert.Contains(text, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_run_a_seed_config_exs_as_it_is()
    {
        // arrange: the seed's format, on an ephemeral port, with the example Node.js worker
        var first = Random.Shared.Next(200, 300) * 100;
        var exs = $$"""
            import Config
            config :multiplexer,
              pool_size: 1,
              pool_max_overflow: 0,
              http_port: 0,
              http_proxy_timeout: 30 * 1000,
              service_http_base_url: "http://127.0.0.1",
              service_port_range: {{first}}..{{first + 63}},
              service_start_process_cmd: "node \"{{Repository.NodeWorker}}\" %PORT%",
              service_start_delay_ms: :wait_first_output,
              service_kill_pattern: ""
            """;

        // act
        await using var host = await MultiplexerHost.StartAsync(MultiplexerHost.Launch(exs, "config.exs", command: "run"), workers: 1);
        var response = await host.Client.GetAsync("/pid");

        // assert: a worker on a port of the range answered, and the multiplexer stops cleanly
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var port = int.Parse(response.Headers.GetValues("x-worker-port").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(port, first, first + 63);
        Assert.Equal(0, await host.StopAsync());
    }

    private string Write(string fileName, string text)
    {
        var path = Path.Combine(_dir, fileName);
        File.WriteAllText(path, text);
        return path;
    }
}
