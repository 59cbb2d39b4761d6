using Multiplexer.Actors.Config.Keys;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>
/// A seed <c>config.exs</c> converted to HOCON, remembering which seed key and line each setting came
/// from so that validation errors can point there.
/// </summary>
public sealed class SeedConversion
{
    private readonly IReadOnlyDictionary<string, SeedEntry> _origins;

    internal SeedConversion(string hocon, string sourceName, IReadOnlyDictionary<string, SeedEntry> origins)
    {
        Hocon = hocon;
        SourceName = sourceName;
        _origins = origins;
    }

    /// <summary>The equivalent <c>multiplexer.hocon</c>, with a comment saying where it came from.</summary>
    public string Hocon { get; }

    /// <summary>The seed file as the user named it, for messages.</summary>
    public string SourceName { get; }

    /// <summary>Loads and validates the converted settings, as <see cref="SettingsLoader.Parse"/> does.</summary>
    /// <param name="baseDirectory">The seed file's directory: the seed ran from its own folder.</param>
    /// <exception cref="SettingsException">Invalid settings; each error names the seed key and its line.</exception>
    public MultiplexerSettings ToSettings(string baseDirectory, string sourcePath = "")
    {
        try
        {
            return SettingsLoader.Parse(Hocon, baseDirectory, sourcePath);
        }
        catch (SettingsException e)
        {
            throw new SettingsException(e.Key, e.Errors.Select(Explain).ToList(), e);
        }
    }

    // "multiplexer.pool.size: must be at least 1, got 0"
    //   -> "config.exs: line 3: pool_size (pool.size): must be at least 1, got 0"
    private string Explain(string error)
    {
        var separator = error.IndexOf(": ", StringComparison.Ordinal);
        if (separator < 0)
        {
            return $"{SourceName}: {error}";
        }

        var (path, problem) = (error[..separator], error[(separator + 2)..]);
        var key = path.StartsWith("multiplexer.", StringComparison.Ordinal) ? path["multiplexer.".Length..] : path;
        if (_origins.TryGetValue(path, out var entry))
        {
            return $"{SourceName}: line {entry.Line}: {entry.Key} ({key}): {problem}";
        }

        return SettingKeys.Find(path)?.Seed is { } seed
            ? $"{SourceName}: {seed.SeedKey} ({key}): {problem}"
            : $"{SourceName}: {error}";
    }
}
