using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Multiplexer.Actors.Config;
using Multiplexer.Host.Hosting;

namespace Multiplexer.Host.Proxy;

/// <summary>
/// The proxy feature: its listener (<c>http.bind</c>, <c>http.port</c>, TLS), every path on it forwarded to a worker. This
/// folder holds a request's way through, one step per file: screening, checkout and forward, transformer, outcome, buffer.
/// </summary>
internal static class ProxyFeature
{
    public static IServiceCollection AddProxy(this IServiceCollection services, HttpSettings http)
    {
        services.AddHttpForwarder();
        services.AddSingleton(_ => WorkerInvoker.Create());
        services.AddSingleton<ProxyEndpoint>();
        return services.Configure<KestrelServerOptions>(kestrel => Listen(kestrel, http));
    }

    /// <summary>The catch-all route. Map it after every branch of its own (the admin's), so that it never sees their requests.</summary>
    public static WebApplication MapProxy(this WebApplication app)
    {
        app.UseRouting();
        // Resolved at the first request: the pool actor exists only once the host has started.
        app.Map("{**path}", context => context.RequestServices.GetRequiredService<ProxyEndpoint>().HandleAsync(context));
        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, HttpSettings http)
    {
        kestrel.AddServerHeader = false;
        // The forwarder's client reads a worker's header values one character per byte (Latin-1); writing them
        // back the same way passes any bytes through, UTF-8 included, where Kestrel's ASCII-only default made a 502.
        kestrel.ResponseHeaderEncodingSelector = static _ => Encoding.Latin1;
        kestrel.Listen(BindAddress.Parse(http.Bind), http.Port, listen =>
        {
            if (http.Tls is { } tls)
            {
                listen.UseHttps(X509Certificate2.CreateFromPemFile(tls.Certificate, tls.Key));
            }
        });
    }
}
