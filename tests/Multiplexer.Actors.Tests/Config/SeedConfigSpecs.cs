using Multiplexer.Actors.Config;
using Multiplexer.Actors.Config.Seed;
using Xunit;

namespace Multiplexer.Actors.Tests.Config;

public sealed class SeedConfigSpecs : IDisposable
{
    /// <summary>The example config.exs of the Elixir original, exactly as its README.ru.md shows it (examples/seed/config.exs).</summary>
    public static readonly string SeedReadmeExample = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seed-config.exs"));

    /// <summary>The same example as the English summary of that README shows it.</summary>
    public const string SeedSummaryExample = """
        import Config
        config :multiplexer,
          pool_size: 5,
          pool_max_overflow: 15,
          http_port: 3000,
          http_proxy_timeout: 5 * 60 * 1000,
          service_http_base_url: "http://localhost",
          service_port_range: 10300..10350,
          service_start_process_cmd: "node index.js %PORT%",
          # or a number of milliseconds; :wait_first_output = started once it wrote anything to stdout
          service_start_delay_ms: :wait_first_output,
          # substituted into: ps aux | grep PATTERN | tr -s ' ' | cut -d ' ' -f 2 | xargs kill -9, run at start
          service_kill_pattern: "index.js"
        """;

    private readonly ConfigDirectory _dir = new();

    public static TheoryData<string> SeedExamples => new() { SeedReadmeExample, SeedSummaryExample };

    public void Dispose() => _dir.Dispose();

    [Theory]
    [MemberData(nameof(SeedExamples))]
    public void Should_convert_the_seed_example_to_the_same_settings(string exs)
    {
        var conversion = SeedConfig.Convert(exs, "config.exs");
        var settings = conversion.ToSettings(_dir.Path);

        Assert.Equal(5, settings.Pool.Size);
        Assert.Equal(15, settings.Pool.MaxOverflow);
        Assert.Equal(PoolStrategy.Fifo, settings.Pool.Strategy);
        Assert.Equal(3000, settings.Http.Port);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Http.ProxyTimeout);
        Assert.Equal(new Uri("http://localhost"), settings.Service.BaseUrl);
        Assert.Equal(new PortRange(10300, 10350), settings.Service.PortRange);
        Assert.Equal("node index.js %PORT%", settings.Service.StartCmd);
        Assert.True(settings.Service.StartDelay.WaitsForFirstOutput);
        Assert.Equal("index.js", settings.Service.KillPattern);
        Assert.Equal(_dir.Path, settings.Service.WorkingDirectory);
    }

    [Fact]
    public void Should_write_hocon_that_names_its_source_and_parses_back_to_the_same_settings()
    {
        var conversion = SeedConfig.Convert(SeedReadmeExample, "/srv/multiplexer/config.exs");

        var reparsed = SettingsLoader.Parse(conversion.Hocon, _dir.Path);

        Assert.StartsWith("# Converted by `multiplexer convert` from /srv/multiplexer/config.exs", conversion.Hocon, StringComparison.Ordinal);
        Assert.Contains("proxy-timeout = 5m", conversion.Hocon, StringComparison.Ordinal);
        Assert.Contains("port-range = \"10300..10350\"", conversion.Hocon, StringComparison.Ordinal);
        Assert.Contains("start-delay = wait-first-output", conversion.Hocon, StringComparison.Ordinal);
        Assert.Contains("working-directory = \".\"", conversion.Hocon, StringComparison.Ordinal);
        Assert.Equal(conversion.ToSettings(_dir.Path), reparsed);
    }

    [Fact]
    public void Should_load_an_exs_file_with_its_working_directory_at_the_file()
    {
        var path = _dir.Write("config.exs", SeedReadmeExample);

        var settings = SettingsLoader.Load(path);

        Assert.Equal(path, settings.SourcePath);
        Assert.Equal(_dir.Path, settings.Service.WorkingDirectory);
        Assert.Equal(5, settings.Pool.Size);
    }

    [Theory]
    [InlineData("1_000", 1000)]
    [InlineData("5 * 60 * 1000", 300_000)]
    [InlineData("(2 + 3) * 1_000", 5000)]
    [InlineData("2 + 3 * 1_000", 3002)]
    [InlineData("10_000 - 2 * (3 - 1) * 1000", 6000)]
    [InlineData("-(-1500)", 1500)]
    [InlineData("0x10", 16)]
    public void Should_evaluate_integer_arithmetic(string expression, long milliseconds)
    {
        var settings = Load($"import Config\nconfig :multiplexer, service_start_process_cmd: \"x\", service_start_delay_ms: {expression}\n");

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), settings.Service.StartDelay.Fixed);
    }

    [Fact]
    public void Should_read_every_seed_key_in_any_layout()
    {
        const string exs = """
            use Mix.Config

            # several statements, brackets, parentheses and trailing commas; the last value wins
            config :multiplexer, pool_size: 9
            config(:multiplexer, [
              pool_size: 2, pool_max_overflow: 1_0,
              pool_strategy: :lifo,   # comment after a value
            ])
            config :multiplexer,
              http_port: 0,
              http_proxy_timeout: 90 * 1000,
              service_http_base_url: "http://127.0.0.1",
              service_port_range: 20_000..20_000 + 11,
              service_start_process_cmd: "node \"my app.js\" %PORT% # not a comment\t\u00e9\x41",
              service_start_delay_ms: 250,
              service_kill_pattern: "my app.js",
            """;

        var settings = Load(exs);

        Assert.Equal((2, 10, PoolStrategy.Lifo), (settings.Pool.Size, settings.Pool.MaxOverflow, settings.Pool.Strategy));
        Assert.Equal((0, TimeSpan.FromSeconds(90)), (settings.Http.Port, settings.Http.ProxyTimeout));
        Assert.Equal(new Uri("http://127.0.0.1"), settings.Service.BaseUrl);
        Assert.Equal(new PortRange(20_000, 20_011), settings.Service.PortRange);
        Assert.Equal("node \"my app.js\" %PORT% # not a comment\t\u00e9A", settings.Service.StartCmd);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.Service.StartDelay.Fixed);
        Assert.Equal("my app.js", settings.Service.KillPattern);
    }

    [Fact]
    public void Should_skip_other_applications_and_say_so()
    {
        const string exs = """
            import Config
            config :logger, :console, format: "$time $message\n", metadata: [:request_id, user: {1, nil}]
            config :logger, level: :info, backends: [Logger.Backends.Console]
            config :multiplexer, service_start_process_cmd: "x"
            """;

        var conversion = SeedConfig.Convert(exs, "config.exs");

        Assert.Contains("# Not converted: config :logger (line 2)", conversion.Hocon, StringComparison.Ordinal);
        Assert.Contains("# Not converted: config :logger (line 3)", conversion.Hocon, StringComparison.Ordinal);
        Assert.Equal("x", conversion.ToSettings(_dir.Path).Service.StartCmd);
    }

    [Theory]
    [InlineData("config :multiplexer,\n  pool_size: 5,\n  pool_sise: 5", "config.exs: line 3: unknown key pool_sise (the keys are pool_size, ")]
    [InlineData("config :multiplexer,\n  service_start_process_cmd: \"node index.js %PORT%,\n  pool_size: 1", "config.exs: line 2, column 30: string is not closed on its line")]
    [InlineData("config :multiplexer,\n  pool_size: 5,\n  http_port: 3000 $", "config.exs: line 3, column 19: unexpected character '$'")]
    [InlineData("\nthis is not a config", "config.exs: line 2, column 1: expected 'import Config' or 'config :multiplexer, key: value, ...', found 'this'")]
    [InlineData("import Config\nconfig :multiplexer,\n  pool_size: 5\n  pool_max_overflow: 2", "config.exs: line 4, column 3: expected ',' before 'pool_max_overflow:'")]
    [InlineData("config :multiplexer,\n  pool_size: 5 *", "config.exs: line 2, column 17: expected a value, found the end of the file")]
    [InlineData("config :multiplexer,\n  pool_size: 5 * \"x\"", "config.exs: line 2, column 16: '*' needs integers, got 5 and \"x\"")]
    [InlineData("config :multiplexer,\n  http_proxy_timeout: 1.5", "config.exs: line 2, column 23: floating-point numbers are not supported")]
    [InlineData("config :multiplexer,\n  http_proxy_timeout: 60_000 / 2", "config.exs: line 2, column 30: division with '/' is not supported")]
    [InlineData("config :multiplexer,\n  service_start_process_cmd: \"node #{file}\"", "config.exs: line 2, column 36: string interpolation #{...} is not supported")]
    [InlineData("config :multiplexer,\n  service_start_process_cmd: 'node'", "config.exs: line 2, column 30: single-quoted charlists are not supported")]
    [InlineData("config :multiplexer,\n  service_port_range: 1..10//2", "config.exs: line 2, column 28: ranges with a step")]
    [InlineData("import_config \"prod.exs\"", "config.exs: line 1, column 1: import_config is not supported")]
    [InlineData("import Logger", "config.exs: line 1, column 8: expected 'import Config', found 'import Logger'")]
    [InlineData("config :multiplexer,\n  pool_strategy: :random", "config.exs: line 2: pool_strategy: expected :fifo or :lifo, got :random")]
    [InlineData("config :multiplexer,\n  http_port: \"3000\"", "config.exs: line 2: http_port: expected an integer, got \"3000\"")]
    [InlineData("config :multiplexer,\n  http_port: System.get_env(\"PORT\")", "config.exs: line 2: http_port: expected an integer, got a call of System.get_env(...)")]
    [InlineData("config :multiplexer,\n  service_port_range: \"10300..10350\"", "config.exs: line 2: service_port_range: expected a range such as 10300..10350, got \"10300..10350\"")]
    [InlineData("config :multiplexer,\n  service_start_delay_ms: :soon", "config.exs: line 2: service_start_delay_ms: expected :wait_first_output or a number of milliseconds, got :soon")]
    [InlineData("config :multiplexer, :pool, size: 5", "config.exs: line 1: 'config :multiplexer, :pool, ...' is not supported")]
    public void Should_reject_what_it_cannot_understand_naming_the_line(string exs, string expectedStart)
    {
        var error = Assert.Throws<SettingsException>(() => SeedConfig.Convert(exs, "config.exs"));

        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Should_report_every_bad_key_in_line_order()
    {
        const string exs = """
            import Config
            config :multiplexer,
              http_port: :any,
              pool_sise: 5,
              service_start_process_cmd: "x"
            config :multiplexer, pool_strategy: "fifo"
            """;

        var error = Assert.Throws<SettingsException>(() => SeedConfig.Convert(exs, "config.exs"));

        Assert.Equal("http_port", error.Key);
        Assert.Collection(
            error.Errors,
            e => Assert.StartsWith("config.exs: line 3: http_port: ", e, StringComparison.Ordinal),
            e => Assert.StartsWith("config.exs: line 4: unknown key pool_sise ", e, StringComparison.Ordinal),
            e => Assert.StartsWith("config.exs: line 6: pool_strategy: ", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_name_the_seed_key_and_its_line_when_a_converted_value_is_invalid()
    {
        const string exs = """
            import Config
            config :multiplexer,
              pool_size: 0,
              service_port_range: 10300..10301
            """;

        var error = Assert.Throws<SettingsException>(() => SeedConfig.Convert(exs, "config.exs").ToSettings(_dir.Path));

        Assert.Equal(
            [
                "config.exs: line 3: pool_size (pool.size): must be at least 1, got 0",
                "config.exs: service_start_process_cmd (service.start-cmd): is required, e.g. start-cmd = \"node index.js %PORT%\"",
            ],
            error.Errors);
    }

    private MultiplexerSettings Load(string exs) => SeedConfig.Parse(exs, _dir.Path);
}
