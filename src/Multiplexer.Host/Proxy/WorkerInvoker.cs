using System.Net;
using System.Text;

namespace Multiplexer.Host.Proxy;

/// <summary>The one HTTP client for every worker, keeping pooled keep-alive connections to each.</summary>
internal static class WorkerInvoker
{
    public static HttpMessageInvoker Create() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        // Transparency: the worker sees the client's headers and nothing added, not even a trace header.
        ActivityHeadersPropagator = null,
        // Kestrel decodes request header values as UTF-8 (and refuses invalid UTF-8); encoding them back the same
        // way sends the worker the client's bytes. The default, ASCII only, failed such a request with a 502.
        RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        // Below Node's default keepAliveTimeout (5 s), so a pooled connection is never reused just as the worker closes it.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
    }, disposeHandler: true);
}
