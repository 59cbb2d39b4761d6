using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Multiplexer.Actors.Config.Seed;
using static Multiplexer.Actors.Config.ValueChecks;
using static Multiplexer.Actors.Config.ValueParsers;

namespace Multiplexer.Actors.Config;

/// <summary>Reads and validates the <c>multiplexer { ... }</c> section of a HOCON config file.</summary>
public static partial class SettingsLoader
{
    private const string ExpectedInteger = "expected an integer";
    private const string ExpectedDuration = "expected a duration such as 30s";
    private const string ExpectedByteSize = "expected a byte size such as 64KB";
    private const string ExpectedBoolean = "expected on or off";
    private const string ExpectedString = "expected a string";

    /// <summary>
    /// Loads a HOCON file, or a <c>.exs</c> config of the Elixir original, converted in memory
    /// (see <see cref="SeedConfig"/>).
    /// </summary>
    /// <exception cref="SettingsException">Unreadable file, bad syntax or invalid settings.</exception>
    public static MultiplexerSettings Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string fullPath;
        string text;
        try
        {
            fullPath = Path.GetFullPath(path);
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsException(path, $"{path}: cannot read config file ({e.Message})", e);
        }

        var directory = Path.GetDirectoryName(fullPath) ?? "/";
        return SeedConfig.IsSeedFile(fullPath)
            ? SeedConfig.Parse(text, directory, fullPath, path)
            : Parse(text, directory, fullPath);
    }

    /// <param name="baseDirectory">What a relative working-directory is resolved against.</param>
    /// <param name="sourcePath">Where the text came from, for messages; "" if not a file.</param>
    /// <exception cref="SettingsException">Bad syntax or invalid settings.</exception>
    public static MultiplexerSettings Parse(string hocon, string baseDirectory, string sourcePath = "")
    {
        ArgumentNullException.ThrowIfNull(hocon);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        ArgumentNullException.ThrowIfNull(sourcePath);

        var config = ParseHocon(hocon, sourcePath);
        var root = SectionReader.Root(config.Root, "multiplexer");
        var pool = ReadPool(root.Section("pool"));
        var directory = Path.GetFullPath(baseDirectory);
        var httpSection = root.Section("http");
        var http = ReadHttp(httpSection) with
        {
            Tls = ReadTls(httpSection, directory),
            ShutdownDelay = httpSection.Read("shutdown-delay", TimeSpan.Zero, Duration.TryParse, ExpectedDuration, NotNegative),
        };
        var service = ReadService(root.Section("service"), directory);
        var admin = ReadAdmin(root.Section("admin"));
        var logging = ReadLogging(root.Section("logging"));
        root.RejectUnknownKeys();
        CheckPortsSuffice(root, pool, service.PortRange);

        if (root.Errors.Count > 0)
        {
            throw new SettingsException(root.Errors[0].Key, root.Errors.Select(e => $"{e.Key}: {e.Problem}").ToList());
        }

        return new MultiplexerSettings(pool, http, service, sourcePath) { Admin = admin, Logging = logging, Hocon = config };
    }

    /// <summary>
    /// The effective configuration (defaults filled in) as a HOCON <c>multiplexer { ... }</c> block
    /// that parses back to equal settings.
    /// </summary>
    public static string Render(MultiplexerSettings settings) => SettingsRenderer.Render(settings);

    private static Akka.Configuration.Config ParseHocon(string hocon, string sourcePath)
    {
        var name = sourcePath.Length > 0 ? sourcePath : "config";
        var text = hocon;
        try
        {
            text = HoconPreprocessor.Apply(hocon, Environment.GetEnvironmentVariable);
            return ConfigurationFactory.ParseString(text);
        }
#pragma warning disable CA1031 // Akka's parser throws assorted exception types; every one means "bad syntax".
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new SettingsException(name, $"{name}: invalid HOCON: {OneLine(e.Message, text)}", e);
        }
    }

    // Akka's messages span lines and give a character offset; users need one line and a line number.
    private static string OneLine(string message, string text)
    {
        var first = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault()?.TrimEnd(':') ?? "syntax error";
        var position = PositionPattern().Match(first);
        if (position.Success
            && int.TryParse(position.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            && at <= text.Length)
        {
            var line = 1 + text.AsSpan(0, at).Count('\n');
            var column = at - (at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1) + 1;
            first += $" (line {line}, column {column})";
        }

        return first;
    }

    private static PoolSettings ReadPool(SectionReader s) => ReadPoolCore(s) with { CrashLoop = ReadCrashLoop(s.Section("crash-loop")) };

    private static CrashLoopSettings ReadCrashLoop(SectionReader s) => new(
        Failures: s.Read("failures", CrashLoopSettings.Default.Failures, TryInt, ExpectedInteger, AtLeast(1)),
        Within: s.Read("within", CrashLoopSettings.Default.Within, Duration.TryParse, ExpectedDuration, Positive));

    private static PoolSettings ReadPoolCore(SectionReader s) => new(
        Size: s.Read("size", 5, TryInt, ExpectedInteger, AtLeast(1)),
        MaxOverflow: s.Read("max-overflow", 15, TryInt, ExpectedInteger, AtLeast(0)),
        Strategy: s.Read("strategy", PoolStrategy.Fifo, TryStrategy, "must be fifo or lifo"),
        CheckoutTimeout: s.Read("checkout-timeout", TimeSpan.FromSeconds(30), Duration.TryParse, ExpectedDuration, Positive),
        MaxWaiting: s.Read("max-waiting", 1024, TryInt, ExpectedInteger, AtLeast(0)),
        OverflowIdleTimeout: s.Read("overflow-idle-timeout", TimeSpan.Zero, Duration.TryParse, ExpectedDuration, NotNegative));

    private static HttpSettings ReadHttp(SectionReader s) => new(
        Bind: s.Read("bind", "0.0.0.0", TryString, ExpectedString, IpAddressOrLocalhost),
        Port: s.Read("port", 3000, TryInt, ExpectedInteger, Between(0, 65535)),
        ProxyTimeout: s.Read("proxy-timeout", TimeSpan.FromMinutes(5), Duration.TryParse, ExpectedDuration, Positive),
        RequestBuffering: s.Read("request-buffering", true, TryBoolean, ExpectedBoolean),
        ResponseBuffering: s.Read("response-buffering", true, TryBoolean, ExpectedBoolean),
        BufferMemory: (int)s.Read("buffer-memory", 64 * 1024L, ByteSize.TryParse, ExpectedByteSize, Between(1L, int.MaxValue)),
        MaxRequestBody: s.Read<long?>("max-request-body", null, TryMaxRequestBody, "expected unlimited or a byte size such as 10MB"),
        DrainTimeout: s.Read("drain-timeout", TimeSpan.FromSeconds(10), Duration.TryParse, ExpectedDuration, NotNegative));

    private static TlsSettings? ReadTls(SectionReader http, string baseDirectory)
    {
        if (!http.Has("tls"))
        {
            return null;
        }
        var s = http.Section("tls");
        var certificate = s.Read("certificate", "", TryString, ExpectedString, NotBlank, "is required when http.tls is present");
        var key = s.Read("key", "", TryString, ExpectedString, NotBlank, "is required when http.tls is present");
        return new TlsSettings(ExistingFile(s, "certificate", certificate, baseDirectory), ExistingFile(s, "key", key, baseDirectory));
    }

    private static string ExistingFile(SectionReader s, string key, string relative, string baseDirectory)
    {
        if (relative.Length == 0 || s.HasError(s.Child(key)))
        {
            return relative;
        }
        var resolved = Path.GetFullPath(relative, baseDirectory);
        if (!File.Exists(resolved))
        {
            s.Report(s.Child(key), $"file {SectionReader.Show(resolved)} does not exist");
        }
        return resolved;
    }

    private static AdminSettings ReadAdmin(SectionReader s) => new(
        Bind: s.Read("bind", AdminSettings.Default.Bind, TryString, ExpectedString, IpAddressOrLocalhost),
        Port: s.Read("port", AdminSettings.Default.Port, TryInt, ExpectedInteger, Between(0, 65535)))
    {
        Token = s.Read("token", "", TryString, ExpectedString),
    };

    private static LoggingSettings ReadLogging(SectionReader s) => new(
        Format: s.Read("format", LoggingSettings.Default.Format, TryLogFormat, "must be text or json"),
        Level: s.Read("level", LoggingSettings.Default.Level, TryString, ExpectedString,
            level => LoggingSettings.Levels.Contains(level) ? null : $"must be one of {string.Join(", ", LoggingSettings.Levels)}, got {SectionReader.Show(level)}"));

    private static ServiceSettings ReadService(SectionReader s, string baseDirectory)
    {
        var baseUrl = s.Read("base-url", new Uri("http://localhost"), TryAbsoluteUri, "expected a URL such as http://localhost", BareHttpUrl);
        var portRange = s.Read("port-range", new PortRange(10300, 10350), TryPortRange, "expected an inclusive range a..b with 1 <= a <= b <= 65535, such as 10300..10350");
        var startCmd = s.Read("start-cmd", "", TryString, ExpectedString, NotBlank, "is required, e.g. start-cmd = \"node index.js %PORT%\"");
        var startDelay = s.Read("start-delay", StartDelay.WaitFirstOutput, TryStartDelay, "expected wait-first-output or a duration such as 1500ms", d => d.Fixed < TimeSpan.Zero ? $"must not be negative, got {d}" : null);
        var readyTimeout = s.Read("ready-timeout", TimeSpan.FromSeconds(30), Duration.TryParse, ExpectedDuration, Positive);
        var killPattern = s.Read("kill-pattern", "", TryString, ExpectedString);
        var workingDirectory = ReadWorkingDirectory(s, baseDirectory);
        var environment = ReadEnvironment(s.Section("environment", freeForm: true));
        var stopTimeout = s.Read("stop-timeout", TimeSpan.FromSeconds(5), Duration.TryParse, ExpectedDuration, Positive);
        var restart = ReadRestart(s.Section("restart"));
        return new ServiceSettings(baseUrl, portRange, startCmd, startDelay, readyTimeout, killPattern, workingDirectory, environment, stopTimeout, restart)
        {
            Recycle = ReadRecycle(s),
        };
    }

    private static string ReadWorkingDirectory(SectionReader s, string baseDirectory)
    {
        const string key = "working-directory";
        var relative = s.Read(key, ".", TryString, ExpectedString, NotBlank);
        if (s.HasError(s.Child(key)))
        {
            return baseDirectory;
        }

        var resolved = Path.GetFullPath(relative, baseDirectory);
        if (!Directory.Exists(resolved))
        {
            s.Report(s.Child(key), $"directory {SectionReader.Show(resolved)} does not exist");
        }

        return resolved;
    }

    private static Dictionary<string, string> ReadEnvironment(SectionReader s)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in s.Scalars())
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            {
                s.Report(s.Child(name), "is not a valid environment variable name");
            }
            else
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    private static RecycleSettings ReadRecycle(SectionReader s) => new(
        MaxRequests: s.Read("max-requests", 0L, TryLong, ExpectedInteger, AtLeast(0L)),
        MaxRequestsJitter: s.Read("max-requests-jitter", 0L, TryLong, ExpectedInteger, AtLeast(0L)),
        MaxMemory: s.Read("max-memory", 0L, ByteSize.TryParse, ExpectedByteSize),
        MaxLifetime: s.Read("max-lifetime", TimeSpan.Zero, Duration.TryParse, ExpectedDuration, NotNegative),
        MemoryCheckInterval: s.Read("memory-check-interval", RecycleSettings.Off.MemoryCheckInterval, Duration.TryParse, ExpectedDuration, Positive));

    private static RestartBackoff ReadRestart(SectionReader s)
    {
        var min = s.Read("min-backoff", TimeSpan.FromMilliseconds(100), Duration.TryParse, ExpectedDuration, Positive);
        var max = s.Read("max-backoff", TimeSpan.FromSeconds(10), Duration.TryParse, ExpectedDuration, Positive);
        var resetAfter = s.Read("reset-after", TimeSpan.FromSeconds(60), Duration.TryParse, ExpectedDuration, Positive);
        if (max < min && !s.HasError(s.Child("min-backoff")) && !s.HasError(s.Child("max-backoff")))
        {
            s.Report(s.Child("max-backoff"), $"must be at least min-backoff ({Duration.Format(min)}), got {Duration.Format(max)}");
        }

        return new RestartBackoff(min, max, resetAfter);
    }

    // Every worker, permanent or temporary, needs a port of its own.
    private static void CheckPortsSuffice(SectionReader root, PoolSettings pool, PortRange range)
    {
        string[] involved = ["multiplexer.pool.size", "multiplexer.pool.max-overflow", "multiplexer.service.port-range"];
        if (range.Count < pool.MaxWorkers && !involved.Any(root.HasError))
        {
            root.Report(
                "multiplexer.service.port-range",
                $"{range} holds {range.Count} ports, fewer than size + max-overflow = {pool.MaxWorkers}");
        }
    }

    [GeneratedRegex(@"at position (\d+)")]
    private static partial Regex PositionPattern();
}
