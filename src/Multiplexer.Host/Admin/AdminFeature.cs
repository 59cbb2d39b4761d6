using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Multiplexer.Actors.Config;
using Multiplexer.Host.Hosting;

namespace Multiplexer.Host.Admin;

/// <summary>
/// The admin feature: a listener of its own (<c>admin.bind</c>, <c>admin.port</c>; port 0 turns it off), told apart
/// by its local port, and locked by <c>admin.token</c> when one is set. This folder holds its endpoints
/// (<c>/status</c>, <c>/metrics</c>, <c>/healthz</c>, <c>/livez</c>, the page, <c>POST /reload</c>).
/// </summary>
internal static partial class AdminFeature
{
    public static IServiceCollection AddAdmin(this IServiceCollection services, AdminSettings admin) =>
        admin.Enabled
            ? services.Configure<KestrelServerOptions>(kestrel => kestrel.Listen(BindAddress.Parse(admin.Bind), admin.Port))
            : services;

    /// <summary>Map before the proxy, whose catch-all would otherwise take these paths.</summary>
    public static WebApplication MapAdmin(this WebApplication app, AdminSettings admin)
    {
        if (admin.Enabled)
        {
            var token = new AdminToken(admin.Token);
            if (!token.Required && !IPAddress.IsLoopback(BindAddress.Parse(admin.Bind)))
            {
                var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminFeature).FullName!);
                app.Lifetime.ApplicationStarted.Register(() => Unlocked(log, admin.Bind, admin.Port));
            }
            // A branch of its own, chosen by the listening port, not the Host header a client controls.
            app.MapWhen(context => context.Connection.LocalPort == admin.Port, branch =>
            {
                branch.Use((context, next) => token.Admits(context.Request) ? next(context) : AdminToken.RefuseAsync(context));
                branch.UseRouting();
                branch.UseEndpoints(AdminEndpoints.Map);
            });
        }
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The admin listener on {Bind}:{Port} is not on loopback and admin.token is not set: whoever reaches it can read /status and /metrics and POST /reload")]
    private static partial void Unlocked(ILogger logger, string bind, int port);
}
