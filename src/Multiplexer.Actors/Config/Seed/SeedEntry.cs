namespace Multiplexer.Actors.Config.Seed;

/// <summary>One <c>key: value</c> of a <c>config</c> statement, with the line of its key.</summary>
internal sealed record SeedEntry(string Key, int Line, SeedValue Value);
