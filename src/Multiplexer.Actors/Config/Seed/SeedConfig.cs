using System.Text;
using Multiplexer.Actors.Config.Keys;

namespace Multiplexer.Actors.Config.Seed;

/// <summary>
/// Reads the <c>config.exs</c> of the Elixir original (<c>import Config</c> and
/// <c>config :multiplexer, pool_size: 5, ...</c>) so that its users can keep it, and converts it to the
/// equivalent <c>multiplexer.hocon</c>. Settings of other applications (<c>config :logger, ...</c>) are
/// skipped and noted in the output.
/// </summary>
public static class SeedConfig
{
    /// <summary>The keys a seed setting becomes, in the table's order, which is the order they are written out.</summary>
    private static readonly IReadOnlyList<SettingKey> SeedKeys = SettingKeys.All.Where(key => key.Seed is not null).ToList();

    /// <summary>True for a <c>.exs</c> file, which is read as a seed config rather than HOCON.</summary>
    public static bool IsSeedFile(string path) =>
        Path.GetExtension(path).Equals(".exs", StringComparison.OrdinalIgnoreCase);

    /// <param name="exs">The text of the seed config.</param>
    /// <param name="sourceName">The file as the user named it: for messages and the header comment.</param>
    /// <exception cref="SettingsException">
    /// Text outside the supported subset, an unknown key or a value of the wrong type; each error names the line.
    /// </exception>
    public static SeedConversion Convert(string exs, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(exs);
        ArgumentNullException.ThrowIfNull(sourceName);
        List<SeedStatement> statements;
        try
        {
            statements = SeedParser.Parse(exs);
        }
        catch (SeedSyntaxException e)
        {
            throw new SettingsException(sourceName, $"{sourceName}: line {e.Line}, column {e.Column}: {e.Message}", e);
        }

        var errors = new List<(int Line, string Key, string Message)>();
        var entries = new Dictionary<string, SeedEntry>(StringComparer.Ordinal);
        var skipped = new List<SeedStatement>();
        foreach (var statement in statements)
        {
            if (statement.App != "multiplexer")
            {
                skipped.Add(statement);
            }
            else if (statement.Subkey is { } subkey)
            {
                errors.Add((statement.Line, sourceName, $"line {statement.Line}: 'config :multiplexer, {subkey}, ...' is not supported; write 'config :multiplexer, key: value, ...'"));
            }
            else
            {
                foreach (var entry in statement.Entries)
                {
                    if (!SeedKeys.Any(key => key.Seed!.SeedKey == entry.Key))
                    {
                        var known = string.Join(", ", SeedKeys.Select(key => key.Seed!.SeedKey));
                        errors.Add((entry.Line, entry.Key, $"line {entry.Line}: unknown key {entry.Key} (the keys are {known})"));
                    }
                    else
                    {
                        entries[entry.Key] = entry; // the last one wins, as in Elixir's Config
                    }
                }
            }
        }

        var values = new List<(SettingKey Key, SeedEntry Entry, string Hocon)>();
        foreach (var key in SeedKeys)
        {
            if (!entries.TryGetValue(key.Seed!.SeedKey, out var entry))
            {
                continue;
            }

            if (key.Seed.ToHocon(entry.Value) is { } hocon)
            {
                values.Add((key, entry, hocon));
            }
            else
            {
                errors.Add((entry.Line, entry.Key, $"line {entry.Line}: {entry.Key}: {key.Seed.Expected}, got {entry.Value.Describe()}"));
            }
        }

        if (errors.Count > 0)
        {
            var sorted = errors.OrderBy(e => e.Line).ToList();
            throw new SettingsException(sorted[0].Key, sorted.Select(e => $"{sourceName}: {e.Message}").ToList());
        }

        var origins = values.ToDictionary(v => v.Key.Name, v => v.Entry, StringComparer.Ordinal);
        return new SeedConversion(Render(sourceName, values, skipped), sourceName, origins);
    }

    /// <summary>Converts and loads a seed config, as <see cref="SettingsLoader.Parse"/> loads HOCON.</summary>
    /// <param name="baseDirectory">The seed file's directory: the seed ran from its own folder.</param>
    /// <exception cref="SettingsException">Unreadable text or invalid settings; errors name the seed key and line.</exception>
    public static MultiplexerSettings Parse(string exs, string baseDirectory, string sourcePath = "", string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        var name = sourceName ?? (sourcePath.Length > 0 ? sourcePath : "config.exs");
        return Convert(exs, name).ToSettings(baseDirectory, sourcePath);
    }

    private static string Render(
        string sourceName,
        List<(SettingKey Key, SeedEntry Entry, string Hocon)> values,
        List<SeedStatement> skipped)
    {
        var text = new StringBuilder()
            .Append("# Converted by `multiplexer convert` from ").Append(OneLine(sourceName)).Append(", a config of the Elixir original.\n")
            .Append("# Keys not set here take their defaults; `multiplexer check` on this file shows them all.\n");
        foreach (var statement in skipped)
        {
            text.Append("# Not converted: config :").Append(OneLine(statement.App))
                .Append(" (line ").Append(statement.Line).Append("), which does not configure the multiplexer.\n");
        }

        text.Append("multiplexer {\n");
        // Every seed setting is a key of the object right under multiplexer: pool, http or service.
        foreach (var section in SeedKeys.Select(key => key.Objects[1]).Distinct())
        {
            var lines = values.Where(v => v.Key.Objects[1] == section)
                .Select(v => $"{v.Key.Leaf} = {v.Hocon}  # {v.Key.Seed!.SeedKey}")
                .ToList();
            if (section == "service")
            {
                lines.Add("working-directory = \".\"  # this file's directory: the seed ran from its own folder");
            }

            if (lines.Count == 0)
            {
                continue;
            }

            text.Append("  ").Append(section).Append(" {\n");
            lines.ForEach(line => text.Append("    ").Append(line).Append('\n'));
            text.Append("  }\n");
        }

        return text.Append("}\n").ToString();
    }

    private static string OneLine(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
