namespace Multiplexer.Actors.Config.Seed;

/// <summary>
/// One <c>config :app, key: value, ...</c> statement. <see cref="Subkey"/> is the middle argument of
/// the three-argument form (<c>config :logger, :console, format: "..."</c>), or null.
/// </summary>
internal sealed record SeedStatement(string App, string? Subkey, int Line, IReadOnlyList<SeedEntry> Entries);
