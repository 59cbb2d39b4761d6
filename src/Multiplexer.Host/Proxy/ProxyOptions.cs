using Multiplexer.Actors.Config;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Proxy;

/// <summary>The settings one request runs with, made once per configuration.</summary>
internal sealed class ProxyOptions(MultiplexerSettings settings)
{
    /// <summary>The configuration these were made from, so a reload is noticed by reference.</summary>
    public MultiplexerSettings Source { get; } = settings;

    public HttpSettings Http { get; } = settings.Http;

    public ForwarderRequestConfig RequestConfig { get; } = new()
    {
        ActivityTimeout = settings.Http.ProxyTimeout,
        Version = System.Net.HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };
}
