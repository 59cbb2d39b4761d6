namespace Multiplexer.Host.Reload;

/// <summary>
/// The reload feature: re-reads the configuration on SIGHUP, and on <c>POST /reload</c> through the admin feature.
/// This folder holds the signal handler, the reloader, and the plan of what a new configuration changes.
/// </summary>
internal static class ReloadFeature
{
    public static IServiceCollection AddReload(this IServiceCollection services) =>
        services
            .AddSingleton<ConfigReloader>()
            .AddHostedService<HangupReload>();
}
