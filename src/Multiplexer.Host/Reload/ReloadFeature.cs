namespace Multiplexer.Host.Reload;

/// <summary>Configuration reload: on SIGHUP here, on <c>POST /reload</c> through the admin feature.</summary>
internal static class ReloadFeature
{
    public static IServiceCollection AddReload(this IServiceCollection services) =>
        services
            .AddSingleton<ConfigReloader>()
            .AddHostedService<HangupReload>();
}
