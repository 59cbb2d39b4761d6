namespace Multiplexer.Actors.Config;

/// <summary>The whole validated configuration file.</summary>
/// <param name="SourcePath">Absolute path of the file it came from, or "" when parsed from a string.</param>
public sealed record MultiplexerSettings(
    PoolSettings Pool,
    HttpSettings Http,
    ServiceSettings Service,
    string SourcePath)
{
    public AdminSettings Admin { get; init; } = AdminSettings.Default;

    public LoggingSettings Logging { get; init; } = LoggingSettings.Default;

    /// <summary>
    /// The whole parsed file (after environment substitution), so the host can hand its
    /// <c>akka</c> section to the ActorSystem.
    /// </summary>
    public Akka.Configuration.Config Hocon { get; init; } = Akka.Configuration.Config.Empty;

    // Hocon is left out: it is the raw source, and two texts that mean the same settings
    // (e.g. the original file and its Render output) must compare equal.
    public bool Equals(MultiplexerSettings? other) =>
        other is not null
        && Pool == other.Pool
        && Http == other.Http
        && Service == other.Service
        && Admin == other.Admin
        && Logging == other.Logging
        && SourcePath == other.SourcePath;

    public override int GetHashCode() => HashCode.Combine(Pool, Http, Service, Admin, Logging, SourcePath);
}
