using System.Net;
using System.Net.Sockets;
using Multiplexer.Actors.Config.Hocon;

namespace Multiplexer.Actors.Config.Keys;

/// <summary>
/// Validation of well-formed values, for <see cref="ScalarKey{T}.Check"/> and <see cref="ScalarKey{T}.Resolve"/>:
/// null means fine, otherwise the problem as it should follow "key: ".
/// </summary>
internal static class ValueChecks
{
    // The proxy appends each worker's port to this URL, so it must be a bare http://host.
    public static string? BareHttpUrl(Uri uri)
    {
        var shown = SectionReader.Show(uri.OriginalString);
        var authority = uri.OriginalString.Split("://", 2).Last().Split('/', '?', '#')[0];
        return uri.Scheme != Uri.UriSchemeHttp ? $"must start with http:// (workers are reached over plain HTTP), got {shown}"
            : uri.UserInfo.Length > 0 ? $"must not contain user info, got {shown}"
            : authority[(authority.LastIndexOf(']') + 1)..].Contains(':', StringComparison.Ordinal)
                ? $"must not contain a port (the port comes from port-range), got {shown}"
            : uri.AbsolutePath != "/" ? $"must not have a path, got {shown}"
            : uri.Query.Length > 0 || uri.Fragment.Length > 0 ? $"must not have a query or fragment, got {shown}"
            : null;
    }

    public static string? IpAddressOrLocalhost(string bind) =>
        string.Equals(bind, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(bind, out var address)
            && (address.AddressFamily == AddressFamily.InterNetworkV6 || bind.Count(c => c == '.') == 3))
            ? null
            : $"must be an IP address such as 0.0.0.0 or localhost, got {SectionReader.Show(bind)}";

    public static string? NotBlank(string text) =>
        string.IsNullOrWhiteSpace(text) ? "must not be empty" : null;

    public static Func<T, string?> AtLeast<T>(T min)
        where T : IComparable<T> =>
        value => value.CompareTo(min) >= 0 ? null : $"must be at least {min}, got {value}";

    public static Func<T, string?> Between<T>(T min, T max)
        where T : IComparable<T> =>
        value => value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0 ? null : $"must be between {min} and {max}, got {value}";

    public static string? Positive(TimeSpan value) =>
        value > TimeSpan.Zero ? null : $"must be greater than 0, got {Duration.Format(value)}";

    public static string? NotNegative(TimeSpan value) =>
        value >= TimeSpan.Zero ? null : $"must not be negative, got {Duration.Format(value)}";

    public static string? NoSpaces(string text) =>
        text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? "must not contain spaces or control characters" : null;

    public static string? LogLevel(string level) =>
        LoggingSettings.Levels.Contains(level) ? null : $"must be one of {string.Join(", ", LoggingSettings.Levels)}, got {SectionReader.Show(level)}";

    public static (string Value, string? Problem) ExistingDirectory(string relative, string baseDirectory)
    {
        var resolved = Path.GetFullPath(relative, baseDirectory);
        return (resolved, Directory.Exists(resolved) ? null : $"directory {SectionReader.Show(resolved)} does not exist");
    }

    public static (string Value, string? Problem) ExistingFile(string relative, string baseDirectory)
    {
        var resolved = Path.GetFullPath(relative, baseDirectory);
        return (resolved, File.Exists(resolved) ? null : $"file {SectionReader.Show(resolved)} does not exist");
    }
}
