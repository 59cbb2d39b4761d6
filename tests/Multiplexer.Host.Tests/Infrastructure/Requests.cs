using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>A request as Kestrel would hand it over, without a socket: the raw target, the headers, a body; the response kept in memory.</summary>
internal static class Requests
{
    public static DefaultHttpContext Make(string method, string rawTarget, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        var request = context.Features.Get<IHttpRequestFeature>()!;
        request.Method = method;
        request.Protocol = "HTTP/1.1";
        request.Scheme = "http";
        request.RawTarget = rawTarget;
        // Path decoded and its dot segments removed, as Kestrel hands it over: what a proxy must not send on.
        if (Uri.TryCreate(rawTarget.StartsWith('/') ? "http://server" + rawTarget : rawTarget, UriKind.Absolute, out var uri))
        {
            request.Path = Uri.UnescapeDataString(uri.AbsolutePath);
            request.QueryString = uri.Query;
        }
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }
        context.Response.Body = new MemoryStream();
        return context;
    }

    public static DefaultHttpContext WithBody(this DefaultHttpContext context, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context;
    }

    /// <summary>What the client got as the body.</summary>
    public static string ResponseText(this HttpContext context)
    {
        var body = (MemoryStream)context.Response.Body;
        return Encoding.UTF8.GetString(body.ToArray());
    }
}
