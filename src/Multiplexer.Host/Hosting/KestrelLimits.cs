using Microsoft.AspNetCore.Server.Kestrel.Core;
using Multiplexer.Actors.Config;

namespace Multiplexer.Host.Hosting;

/// <summary>
/// The server's limits, for every listener: bad or hostile input is refused here, before any worker is
/// taken. Set explicitly, most of them to Kestrel's defaults, so that they are visible and a framework
/// upgrade cannot move them unnoticed.
/// </summary>
internal static class KestrelLimits
{
    public static IServiceCollection AddKestrelLimits(this IServiceCollection services, HttpSettings http)
    {
        // Bounds Kestrel's drain of in-flight requests; Akka's coordinated shutdown, which stops the
        // workers, runs after it whatever the remaining time.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = http.DrainTimeout);
        return services.Configure<KestrelServerOptions>(kestrel => Apply(kestrel.Limits, http));
    }

    public static void Apply(KestrelServerLimits limits, HttpSettings http)
    {
        limits.MaxRequestBodySize = http.MaxRequestBody;
        // Header fields over 32 KB in all, or more than 100 of them: 431. A request line over 8 KB: 414.
        limits.MaxRequestHeadersTotalSize = 32 * 1024;
        limits.MaxRequestLineSize = 8 * 1024;
        limits.MaxRequestHeaderCount = 100;
        // Slowloris: the whole request head must arrive within 10 s (Kestrel's default is 30 s), else 408 and close.
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        // A kept-alive client connection idle for 2 minutes is closed.
        limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
        // A body trickling in slower than 240 B/s after a 5 s grace is cut off (Kestrel's default, kept): with
        // request buffering it would hold a connection and a buffer, without it a worker. Upgraded connections
        // (WebSockets) are exempt; proxy-timeout bounds their silence instead.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
    }
}
