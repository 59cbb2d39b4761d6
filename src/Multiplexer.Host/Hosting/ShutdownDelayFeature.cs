namespace Multiplexer.Host.Hosting;

/// <summary>The shutdown delay, wired into whichever host lifetime handles the stop signals.</summary>
internal static class ShutdownDelayFeature
{
    /// <summary>Register after <c>AddSystemd</c>, which may replace the console lifetime.</summary>
    public static IServiceCollection AddShutdownDelay(this IServiceCollection services)
    {
        var host = services.LastOrDefault(d => d.ServiceType == typeof(IHostLifetime))?.ImplementationType
            ?? throw new InvalidOperationException("no host lifetime registered by type");
        services.AddSingleton<ShutdownDelay>();
        // The same lifetime as before, built with the one application lifetime that defers its stop.
        return services.AddSingleton<IHostLifetime>(provider => (IHostLifetime)ActivatorUtilities.CreateInstance(provider, host,
            new SignalStopLifetime(provider.GetRequiredService<IHostApplicationLifetime>(), provider.GetRequiredService<ShutdownDelay>())));
    }
}
