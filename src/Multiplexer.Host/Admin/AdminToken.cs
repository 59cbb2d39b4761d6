using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Multiplexer.Host.Admin;

/// <summary>
/// <c>admin.token</c>: when set, every admin path needs <c>Authorization: Bearer &lt;token&gt;</c>, except the
/// probes, which orchestrators call without credentials, and the page, which holds no data and says how to
/// open it with the token.
/// </summary>
internal sealed class AdminToken
{
    private static readonly HashSet<string> OpenPaths = new(StringComparer.Ordinal) { "/healthz", "/livez", "/" };

    // Digests, so that the comparison takes the same time whatever the length of what a client sent.
    private readonly byte[]? _digest;

    public AdminToken(string token) => _digest = token.Length == 0 ? null : Digest(token);

    public bool Required => _digest is not null;

    public bool Admits(HttpRequest request)
    {
        if (_digest is null || OpenPaths.Contains(request.Path.Value ?? ""))
        {
            return true;
        }
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } value)
        {
            return false;
        }
        const string scheme = "Bearer ";
        return value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Digest(value[scheme.Length..].Trim()), _digest);
    }

    public static Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"multiplexer admin\"";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("unauthorized: this admin path needs Authorization: Bearer <admin.token>\n");
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
