using System.Net;

namespace Multiplexer.Host.Hosting;

/// <summary>A listener's <c>bind</c> setting as the address Kestrel listens on.</summary>
internal static class BindAddress
{
    public static IPAddress Parse(string bind) => bind == "localhost" ? IPAddress.Loopback : IPAddress.Parse(bind);
}
