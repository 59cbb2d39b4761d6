using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Proxy;

/// <summary>
/// Forwards as the seed did, so the worker cannot tell it was proxied: the request target exactly as
/// the client sent it (no path normalisation, no re-encoding), every header including Host, and no
/// X-Forwarded-* added. Hop-by-hop headers are dropped by the forwarder per RFC 9110.
/// </summary>
internal sealed class TransparentTransformer : HttpTransformer
{
    public static TransparentTransformer Instance { get; } = new();

    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var rawTarget = httpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (rawTarget is { Length: > 0 } && rawTarget[0] == '/')
        {
            proxyRequest.RequestUri = new Uri(destinationPrefix + rawTarget, RawUri);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is not null && IsStreamByNature(proxyResponse) && httpContext.Features.Get<ResponseBuffer>() is { } buffer)
        {
            buffer.Bypass();
        }
        return proceed;
    }

    /// <summary>Responses that must reach the client as the worker writes them, holding the worker until they end.</summary>
    private static bool IsStreamByNature(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase)
        || (response.Headers.TryGetValues("X-Accel-Buffering", out var values) && values.Any(v => v.Equals("no", StringComparison.OrdinalIgnoreCase)))
        || response.StatusCode == System.Net.HttpStatusCode.SwitchingProtocols;
}
