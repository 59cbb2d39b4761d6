using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Multiplexer.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.EndToEnd.Tests;

/// <summary>
/// WebSockets pass through to the worker's <c>/ws</c> echo, hold their worker for as long as they are
/// open, give it back when they close, and are closed by proxy-timeout when idle.
/// </summary>
public sealed class WebSocketSpecs
{
    /// <summary>How long a WebSocket step may take before the test gives up instead of hanging.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_echo_text_and_binary_messages_of_every_length_encoding_through_the_proxy()
    {
        // arrange
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1 });
        using var timeout = new CancellationTokenSource(StepTimeout);
        using var socket = await ConnectAsync(host, timeout.Token);

        // act + assert: payload lengths in the 7-bit, 16-bit and 64-bit encodings, text and binary
        Assert.Equal("hello", await EchoTextAsync(socket, "hello", timeout.Token));
        var unicode = string.Concat(Enumerable.Repeat("grüße ☃ ", 40));
        Assert.Equal(unicode, await EchoTextAsync(socket, unicode, timeout.Token));
        foreach (var length in new[] { 0, 125, 126, 65_535, 65_536, 1_000_000 })
        {
            var payload = RandomNumberGenerator.GetBytes(length);
            var (type, echoed) = await EchoAsync(socket, payload, WebSocketMessageType.Binary, timeout.Token);
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.True(payload.AsSpan().SequenceEqual(echoed), $"a {length}-byte binary message came back changed");
        }

        // assert: a close is answered with a close
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task Should_hold_the_worker_while_the_socket_is_open_and_serve_again_once_it_closes()
    {
        // arrange: one worker and no overflow, so a held worker leaves nothing for anyone else
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 0, CheckoutTimeout = "1s" });
        using var timeout = new CancellationTokenSource(StepTimeout);
        using var socket = await ConnectAsync(host, timeout.Token);
        Assert.Equal("open", await EchoTextAsync(socket, "open", timeout.Token));
        var socketWorker = socket.HttpResponseHeaders!["x-worker-pid"].Single();

        // act: a plain request while the socket is open, then another once it has closed
        using var whileOpen = await host.Client.GetAsync("/");
        Assert.Equal("still open", await EchoTextAsync(socket, "still open", timeout.Token));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        using var afterClose = await host.Client.GetAsync("/");

        // assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileOpen.StatusCode);
        Assert.Contains("checkout-timeout", await whileOpen.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, afterClose.StatusCode);
        Assert.Equal(socketWorker, afterClose.Headers.GetValues("x-worker-pid").Single());
        await host.WaitForLogAsync(l => l.Contains("GET /ws 101 worker=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_close_a_socket_idle_for_proxy_timeout_and_give_the_worker_back()
    {
        // arrange: proxy-timeout, the longest silence in either direction, also bounds an idle upgraded connection
        await using var host = await MultiplexerHost.StartAsync(new HostConfig { Size = 1, MaxOverflow = 0, ProxyTimeout = "2s" });
        using var timeout = new CancellationTokenSource(StepTimeout);
        using var socket = await ConnectAsync(host, timeout.Token);
        Assert.Equal("then silence", await EchoTextAsync(socket, "then silence", timeout.Token));
        var socketWorker = socket.HttpResponseHeaders!["x-worker-pid"].Single();

        // act: wait, sending nothing, for whatever the proxy does with the silent connection
        var idle = Stopwatch.StartNew();
        var ended = await ReceiveEndAsync(socket, timeout.Token);
        idle.Stop();
        using var after = await host.Client.GetAsync("/");

        // assert: closed after about proxy-timeout, and the same worker (not killed as stuck) serves again
        Assert.True(ended, "the idle socket was closed");
        Assert.InRange(idle.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(socketWorker, after.Headers.GetValues("x-worker-pid").Single());
        await host.WaitForLogAsync(l => l.Contains("GET /ws 101 worker=1", StringComparison.Ordinal));
    }

    private static async Task<ClientWebSocket> ConnectAsync(MultiplexerHost host, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        // No client pings: the idle-timeout spec needs a truly silent connection.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var uri = new UriBuilder(host.BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;
        await socket.ConnectAsync(uri, cancellationToken);
        return socket;
    }

    private static async Task<string> EchoTextAsync(ClientWebSocket socket, string text, CancellationToken cancellationToken)
    {
        var (type, echoed) = await EchoAsync(socket, Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, cancellationToken);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(echoed);
    }

    /// <summary>Sends one message and reads one whole message back, however it was framed.</summary>
    private static async Task<(WebSocketMessageType Type, byte[] Payload)> EchoAsync(ClientWebSocket socket, byte[] payload, WebSocketMessageType type,
        CancellationToken cancellationToken)
    {
        await socket.SendAsync(payload, type, endOfMessage: true, cancellationToken);
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            received.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, received.ToArray());
            }
        }
    }

    /// <summary>True once the connection ends, by a close frame or by being dropped; false if a message arrives instead.</summary>
    private static async Task<bool> ReceiveEndAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            var result = await socket.ReceiveAsync(new byte[1024], cancellationToken);
            return result.MessageType == WebSocketMessageType.Close;
        }
        catch (WebSocketException)
        {
            return true;
        }
    }
}
