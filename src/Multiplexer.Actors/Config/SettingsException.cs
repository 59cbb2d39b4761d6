namespace Multiplexer.Actors.Config;

/// <summary>
/// The configuration is unusable. <see cref="Exception.Message"/> is the first problem on one line
/// ("key: problem"); <see cref="Errors"/> holds every problem found, so a user can fix them all at once.
/// </summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string key, string message)
        : this(key, [message], null)
    {
    }

    public SettingsException(string key, string message, Exception? innerException)
        : this(key, [message], innerException)
    {
    }

    /// <param name="key">Dotted key (or file path) of the first error.</param>
    /// <param name="errors">All errors, each "key: problem"; must not be empty.</param>
    public SettingsException(string key, IReadOnlyList<string> errors, Exception? innerException = null)
        : base(errors is { Count: > 0 } ? errors[0] : throw new ArgumentException("no errors", nameof(errors)), innerException)
    {
        Key = key;
        Errors = errors;
    }

    public SettingsException()
        : this("", "invalid configuration")
    {
    }

    public SettingsException(string message)
        : this("", message)
    {
    }

    public SettingsException(string message, Exception innerException)
        : this("", message, innerException)
    {
    }

    /// <summary>Full dotted key of the first error, e.g. "multiplexer.pool.strategy", or the file path.</summary>
    public string Key { get; }

    public IReadOnlyList<string> Errors { get; }
}
