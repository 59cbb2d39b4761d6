using System.Text.RegularExpressions;
using Multiplexer.Actors.Config;
using Xunit;

namespace Multiplexer.EndToEnd.Tests.Deploy;

/// <summary>
/// A multiplexer config shipped in a manifest, parsed by the project's loader with the admin token
/// variable set as the pod's Secret sets it. Keys the manifests set for the multiplexer's next release
/// (<see cref="PendingKeys"/>) that this loader rejects as unknown, and nothing else, are taken out
/// before parsing: <see cref="Removed"/> keeps their values from the file, which the manifests are
/// then checked against.
/// </summary>
/// <param name="Runnable">The text a multiplexer of this checkout runs: the file without the removed keys.</param>
public sealed record ManifestConfig(MultiplexerSettings Settings, string Runnable, IReadOnlyDictionary<string, string> Removed)
{
    public const string TokenVariable = "MULTIPLEXER_ADMIN_TOKEN";
    public const string SampleToken = "3f9c2a7e5b1d4c8a9e6f0b2d7a4c1e8f";

    public static IReadOnlyList<string> PendingKeys { get; } = ["multiplexer.http.shutdown-delay", "multiplexer.admin.token"];

    /// <summary>A key's value: from the parsed config, or as written in the file for a removed key.</summary>
    public string Value(string key) => Removed.TryGetValue(key, out var raw) ? raw : Settings.Hocon.GetString(key);

    public TimeSpan ShutdownDelay =>
        Duration.TryParse(Value("multiplexer.http.shutdown-delay"), out var delay) ? delay : throw new FormatException("shutdown-delay is not a duration");

    /// <param name="workingDirectory">An existing folder standing in for the image's /app.</param>
    public static ManifestConfig Parse(string text, string workingDirectory)
    {
        var local = text.Replace("working-directory = \"/app\"", $"working-directory = \"{workingDirectory}\"", StringComparison.Ordinal);
        var saved = Environment.GetEnvironmentVariable(TokenVariable);
        Environment.SetEnvironmentVariable(TokenVariable, SampleToken);
        try
        {
            return new ManifestConfig(Load(local), text, new Dictionary<string, string>());
        }
        catch (SettingsException e)
        {
            var unknown = PendingKeys.Where(k => e.Errors.Contains($"{k}: unknown key")).ToList();
            Assert.True(unknown.Count == e.Errors.Count, $"the config is rejected:\n{string.Join('\n', e.Errors)}");
            var removed = new Dictionary<string, string>();
            foreach (var key in unknown)
            {
                var line = new Regex($@"^[ \t]*{Regex.Escape(key.Split('.')[^1])}[ \t]*=[ \t]*(\S.*?)[ \t]*\r?\n", RegexOptions.Multiline);
                removed[key] = Assert.Single(line.Matches(text)).Groups[1].Value;
                local = line.Replace(local, "");
                text = line.Replace(text, "");
            }
            return new ManifestConfig(Load(local), text, removed);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TokenVariable, saved);
        }
    }

    private static MultiplexerSettings Load(string text) => SettingsLoader.Parse(text, "/etc/multiplexer", "multiplexer.hocon");
}
