using System.Text.RegularExpressions;
using Multiplexer.Actors.Config;
using Multiplexer.Actors.Config.Hocon;
using Multiplexer.Actors.Config.Keys;
using Xunit;

namespace Multiplexer.Actors.Tests.Config.Keys;

public sealed partial class SettingKeysSpecs : IDisposable
{
    /// <summary>Every key of the table set to something other than its default.</summary>
    private const string EveryKeySet = """
        multiplexer {
          pool {
            size = 2, max-overflow = 3, min-spare = 1, strategy = lifo, checkout-timeout = 5s, max-waiting = 7, overflow-idle-timeout = 1m
            crash-loop { failures = 9, within = 2m }
          }
          http {
            bind = "127.0.0.1", port = 8080, proxy-timeout = 1m, slow-request = 20s, request-buffering = off, response-buffering = off
            buffer-memory = 1MB, max-request-body = 10MB, drain-timeout = 3s, shutdown-delay = 5s
            tls { certificate = "cert.pem", key = "key.pem" }
          }
          service {
            base-url = "http://127.0.0.1", port-range = "20000..20009", start-cmd = "node app.js %PORT%", start-delay = 250ms
            ready-timeout = 9s, kill-pattern = "app.js", working-directory = "app", environment { NODE_ENV = production }
            stop-timeout = 2s, max-requests = 1000, max-requests-jitter = 50, max-memory = 512MB, max-lifetime = 6h
            memory-check-interval = 5s
            restart { min-backoff = 50ms, max-backoff = 5s, reset-after = 30s }
          }
          admin { bind = "0.0.0.0", port = 9000, token = "s3cret" }
          logging { format = json, level = debug }
        }
        """;

    private readonly ConfigDirectory _dir = new();

    public SettingKeysSpecs()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "app"));
        _dir.Write("cert.pem", "");
        _dir.Write("key.pem", "");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_list_every_key_in_the_readme_with_its_default_and_meaning()
    {
        var rows = ReadmeConfigurationTable();

        Assert.Equal(SettingKeys.All.Select(k => k.Name), rows.Select(r => r.Key));
        Assert.All(SettingKeys.All.Zip(rows), pair => Assert.Equal((pair.First.Name, pair.First.DefaultText), (pair.Second.Key, pair.Second.Default)));
        Assert.All(SettingKeys.All.Zip(rows), pair => Assert.Equal((pair.First.Name, pair.First.Doc), (pair.Second.Key, pair.Second.Meaning)));
    }

    [Fact]
    public void Should_name_in_the_readme_the_seed_key_each_key_converts()
    {
        var seedKeys = SettingKeys.All.Select(k => k.Seed?.SeedKey).OfType<string>().ToHashSet();

        Assert.All(
            SettingKeys.All.Zip(ReadmeConfigurationTable()),
            pair =>
            {
                var named = CodeSpan().Matches(pair.Second.Seed).Select(m => m.Groups[1].Value).Where(seedKeys.Contains);
                Assert.Equal((pair.First.Name, pair.First.Seed?.SeedKey), (pair.Second.Key, named.SingleOrDefault()));
            });
    }

    [Fact]
    public void Should_bring_every_key_set_in_a_file_into_the_settings_and_render_it_back()
    {
        var defaults = SettingsLoader.Parse("multiplexer.service.start-cmd = \"x\"", _dir.Path);

        var settings = SettingsLoader.Parse(EveryKeySet, _dir.Path);

        Assert.All(SettingKeys.All, key => Assert.True(Written(key, settings) != Written(key, defaults), $"{key.Name} is not set above or does not reach the settings"));
        Assert.Equal(settings, SettingsLoader.Parse(SettingsLoader.Render(settings), "/"));
    }

    [Fact]
    public void Should_give_every_key_a_full_name_and_a_meaning()
    {
        Assert.Equal(SettingKeys.All.Count, SettingKeys.All.Select(k => k.Name).Distinct().Count());
        Assert.All(SettingKeys.All, key => Assert.Matches("^multiplexer(\\.[a-z][a-z-]*)+$", key.Name));
        Assert.All(SettingKeys.All, key => Assert.False(string.IsNullOrWhiteSpace(key.Doc), key.Name));
    }

    private static string Written(SettingKey key, MultiplexerSettings settings)
    {
        var writer = new HoconWriter();
        key.Write(writer, settings);
        return writer.Finish();
    }

    /// <summary>The rows of the table under README's "## Configuration", keys with their multiplexer prefix.</summary>
    private static List<(string Key, string Default, string Meaning, string Seed)> ReadmeConfigurationTable()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var section = Array.IndexOf(lines, "## Configuration");
        Assert.True(section >= 0, "README.md has no '## Configuration' section");
        return lines.Skip(section)
            .SkipWhile(line => !line.StartsWith('|'))
            .TakeWhile(line => line.StartsWith('|'))
            .Skip(2) // the header and the |---| line
            .Select(line => line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .Select(cells => ("multiplexer." + cells[0].Trim('`'), Unquoted(cells[1]), cells[2], cells[3]))
            .ToList();
    }

    // The default column quotes a value in backticks; "required" and "none" stand as they are.
    private static string Unquoted(string cell) =>
        cell.Length > 1 && cell.StartsWith('`') && cell.EndsWith('`') ? cell[1..^1] : cell;

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Multiplexer.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("no Multiplexer.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
