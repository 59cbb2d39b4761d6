using System.Globalization;
using System.Text;

namespace Multiplexer.Host.Proxy;

/// <summary>Checks a request before any worker is involved, and makes its target safe to log.</summary>
internal static class RequestScreen
{
    /// <summary>
    /// What Kestrel lets through but no worker should see, with the status to refuse it with: a transfer coding
    /// other than one chunked, which Kestrel decodes as plain chunked and the forwarder then drops, so the worker
    /// would get a still-coded body with nothing saying so (RFC 9112 6.1: 501); and control characters in the
    /// target or a field value, which neither may hold (RFC 9112 3.2, RFC 9110 5.5).
    /// </summary>
    public static (int Status, string Reason)? Malformed(HttpRequest request, string target)
    {
        if (HasControlCharacter(target, allowTab: false))
        {
            return (StatusCodes.Status400BadRequest, "control character in the request target");
        }
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                if (value is not null && HasControlCharacter(value, allowTab: true))
                {
                    return (StatusCodes.Status400BadRequest, $"control character in header {name}");
                }
            }
        }
        // Checked after the control characters, so the reasons quote nothing unprintable.
        var transferEncoding = request.Headers.TransferEncoding;
        if (transferEncoding.Count > 0)
        {
            var codings = transferEncoding.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
            if (codings.Any(c => !c.Equals("chunked", StringComparison.OrdinalIgnoreCase)))
            {
                return (StatusCodes.Status501NotImplemented, $"unsupported transfer coding: {transferEncoding}");
            }
            if (codings.Count > 1)
            {
                return (StatusCodes.Status400BadRequest, $"chunked applied more than once: {transferEncoding}");
            }
        }
        return null;
    }

    private static bool HasControlCharacter(string text, bool allowTab)
    {
        foreach (var c in text)
        {
            if ((c < ' ' && !(allowTab && c == '\t')) || c == '\x7f')
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The target as the access log shows it: control characters escaped, so a client cannot write terminal escapes into the log.</summary>
    public static string Printable(string target)
    {
        if (!HasControlCharacter(target, allowTab: false))
        {
            return target;
        }
        var printable = new StringBuilder(target.Length + 16);
        foreach (var c in target)
        {
            if (c < ' ' || c == '\x7f')
            {
                printable.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                printable.Append(c);
            }
        }
        return printable.ToString();
    }
}
