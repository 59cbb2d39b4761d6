using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>YARP's forwarder as the host registers it.</summary>
internal static class Forwarders
{
    public static IHttpForwarder Create() =>
        new ServiceCollection().AddLogging().AddHttpForwarder().BuildServiceProvider().GetRequiredService<IHttpForwarder>();
}
