using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Proxy;

/// <summary>
/// Forwards as the seed did, so the worker cannot tell it was proxied: the request target exactly as
/// the client sent it (no path normalisation, no re-encoding), every header including Host, and no
/// X-Forwarded-* added. Hop-by-hop headers are dropped per RFC 9110 7.6.1: the fixed set by the forwarder,
/// and the ones a message names in its Connection header here, which the forwarder would pass on.
/// </summary>
internal sealed class TransparentTransformer : HttpTransformer
{
    public static TransparentTransformer Instance { get; } = new();

    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (OriginForm(httpContext.Features.Get<IHttpRequestFeature>()?.RawTarget) is { } pathAndQuery)
        {
            proxyRequest.RequestUri = new Uri(destinationPrefix + pathAndQuery, RawUri);
        }
        foreach (var name in ConnectionOptions(httpContext.Request.Headers.Connection))
        {
            proxyRequest.Headers.Remove(name);
            proxyRequest.Content?.Headers.Remove(name);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is not null && proxyResponse.Headers.TryGetValues("Connection", out var connection))
        {
            foreach (var name in ConnectionOptions(connection))
            {
                httpContext.Response.Headers.Remove(name);
            }
        }
        if (proxyResponse is not null && IsStreamByNature(proxyResponse) && httpContext.Features.Get<ResponseSpool>() is { } spool)
        {
            spool.Bypass();
        }
        return proceed;
    }

    /// <summary>
    /// The path and query exactly as the client sent them: an origin-form target as is, the part after the
    /// authority of an absolute-form one (RFC 9112 3.2.2), which the server has already decoded and
    /// normalised in Request.Path. Null for the asterisk form, which the forwarder cannot send.
    /// </summary>
    private static string? OriginForm(string? rawTarget)
    {
        if (string.IsNullOrEmpty(rawTarget))
        {
            return null;
        }
        if (rawTarget[0] == '/')
        {
            return rawTarget;
        }
        var authority = rawTarget.IndexOf("://", StringComparison.Ordinal);
        if (authority <= 0)
        {
            return null;
        }
        var rest = rawTarget.AsSpan(authority + 3);
        var end = rest.IndexOfAny('/', '?');
        return end < 0 ? "/" : rest[end] == '?' ? string.Concat("/", rest[end..]) : rest[end..].ToString();
    }

    /// <summary>
    /// The header names a Connection header lists, which are hop-by-hop. Upgrade is left to the forwarder,
    /// which passes it on for protocol upgrades (WebSockets) and drops it otherwise.
    /// </summary>
    private static IEnumerable<string> ConnectionOptions(IEnumerable<string?> connection) =>
        connection
            .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(name => !name.Equals("upgrade", StringComparison.OrdinalIgnoreCase));

    /// <summary>Responses that must reach the client as the worker writes them, holding the worker until they end.</summary>
    private static bool IsStreamByNature(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)
        || (response.Headers.TryGetValues("X-Accel-Buffering", out var values) && values.Any(v => v.Equals("no", StringComparison.OrdinalIgnoreCase)))
        || response.StatusCode == System.Net.HttpStatusCode.SwitchingProtocols;
}
