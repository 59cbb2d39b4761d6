using Microsoft.AspNetCore.Server.Kestrel.Core;
using Multiplexer.Actors.Config;
using Multiplexer.Host.Hosting;

namespace Multiplexer.Host.Admin;

/// <summary>
/// The admin feature: a listener of its own (<c>admin.bind</c>, <c>admin.port</c>; port 0 turns it off), told apart
/// by its local port. This folder holds its endpoints (<c>/status</c>, <c>/metrics</c>, <c>/healthz</c>, the page, <c>POST /reload</c>).
/// </summary>
internal static class AdminFeature
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
            // A branch of its own, chosen by the listening port, not the Host header a client controls.
            app.MapWhen(context => context.Connection.LocalPort == admin.Port, branch =>
            {
                branch.UseRouting();
                branch.UseEndpoints(AdminEndpoints.Map);
            });
        }
        return app;
    }
}
