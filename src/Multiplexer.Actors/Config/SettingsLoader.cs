using Multiplexer.Actors.Config.Hocon;
using Multiplexer.Actors.Config.Keys;
using Multiplexer.Actors.Config.Seed;
using AdminKeys = Multiplexer.Actors.Config.Keys.SettingKeys.Admin;
using HttpKeys = Multiplexer.Actors.Config.Keys.SettingKeys.Http;
using LoggingKeys = Multiplexer.Actors.Config.Keys.SettingKeys.Logging;
using PoolKeys = Multiplexer.Actors.Config.Keys.SettingKeys.Pool;
using ServiceKeys = Multiplexer.Actors.Config.Keys.SettingKeys.Service;

namespace Multiplexer.Actors.Config;

/// <summary>
/// Reads and validates the <c>multiplexer { ... }</c> section of a HOCON config file, and writes it back.
/// What each key is, and what it defaults to, is in <see cref="SettingKeys"/>.
/// </summary>
public static class SettingsLoader
{
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

        var config = HoconParser.Parse(hocon, sourcePath);
        var values = KeyValues.Read(config.Root, Path.GetFullPath(baseDirectory));
        if (values.Errors.Count > 0)
        {
            throw new SettingsException(values.Errors[0].Key, values.Errors.Select(e => $"{e.Key}: {e.Problem}").ToList());
        }

        return new MultiplexerSettings(PoolOf(values), HttpOf(values), ServiceOf(values), sourcePath)
        {
            Admin = new AdminSettings(values.Get(AdminKeys.Bind), values.Get(AdminKeys.Port)) { Token = values.Get(AdminKeys.Token) },
            Logging = new LoggingSettings(values.Get(LoggingKeys.Format), values.Get(LoggingKeys.Level)),
            Hocon = config,
        };
    }

    /// <summary>
    /// The effective configuration (defaults filled in) as a HOCON <c>multiplexer { ... }</c> block, every
    /// key explicit so users can see what defaults they got, that parses back to equal settings.
    /// </summary>
    public static string Render(MultiplexerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var writer = new HoconWriter();
        foreach (var key in SettingKeys.All)
        {
            key.Write(writer, settings);
        }

        return writer.Finish();
    }

    private static PoolSettings PoolOf(KeyValues v) =>
        new(v.Get(PoolKeys.Size), v.Get(PoolKeys.MaxOverflow), v.Get(PoolKeys.Strategy), v.Get(PoolKeys.CheckoutTimeout), v.Get(PoolKeys.MaxWaiting), v.Get(PoolKeys.OverflowIdleTimeout))
        {
            MinSpare = v.Get(PoolKeys.MinSpare),
            SlowRequest = v.Get(HttpKeys.SlowRequest),
            CrashLoop = new CrashLoopSettings(v.Get(PoolKeys.CrashLoopFailures), v.Get(PoolKeys.CrashLoopWithin)),
        };

    private static HttpSettings HttpOf(KeyValues v) =>
        new(
            v.Get(HttpKeys.Bind),
            v.Get(HttpKeys.Port),
            v.Get(HttpKeys.ProxyTimeout),
            v.Get(HttpKeys.RequestBuffering),
            v.Get(HttpKeys.ResponseBuffering),
            (int)v.Get(HttpKeys.BufferMemory),
            v.Get(HttpKeys.MaxRequestBody),
            v.Get(HttpKeys.DrainTimeout))
        {
            ShutdownDelay = v.Get(HttpKeys.ShutdownDelay),
            Tls = v.Has(HttpKeys.TlsCertificate) ? new TlsSettings(v.Get(HttpKeys.TlsCertificate), v.Get(HttpKeys.TlsKey)) : null,
        };

    private static ServiceSettings ServiceOf(KeyValues v) =>
        new(
            v.Get(ServiceKeys.BaseUrl),
            v.Get(ServiceKeys.PortRange),
            v.Get(ServiceKeys.StartCmd),
            v.Get(ServiceKeys.StartDelay),
            v.Get(ServiceKeys.ReadyTimeout),
            v.Get(ServiceKeys.KillPattern),
            v.Get(ServiceKeys.WorkingDirectory),
            v.Get(ServiceKeys.Environment),
            v.Get(ServiceKeys.StopTimeout),
            new RestartBackoff(v.Get(ServiceKeys.RestartMinBackoff), v.Get(ServiceKeys.RestartMaxBackoff), v.Get(ServiceKeys.RestartResetAfter)))
        {
            Recycle = new RecycleSettings(
                v.Get(ServiceKeys.MaxRequests),
                v.Get(ServiceKeys.MaxRequestsJitter),
                v.Get(ServiceKeys.MaxMemory),
                v.Get(ServiceKeys.MaxLifetime),
                v.Get(ServiceKeys.MemoryCheckInterval)),
        };
}
