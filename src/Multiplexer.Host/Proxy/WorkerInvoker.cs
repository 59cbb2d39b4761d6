using System.Net;

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
        ConnectTimeout = TimeSpan.FromSeconds(5),
        // Below Node's default keepAliveTimeout (5 s), so a pooled connection is never reused just as the worker closes it.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
    }, disposeHandler: true);
}
