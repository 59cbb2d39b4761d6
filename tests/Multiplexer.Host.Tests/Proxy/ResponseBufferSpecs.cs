using Multiplexer.Host.Proxy;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.Host.Tests.Proxy;

/// <summary>A worker's answer collected at the worker's pace, then sent to the client at the client's.</summary>
public sealed class ResponseBufferSpecs
{
    private const int MemoryThreshold = 64 * 1024;

    [Fact]
    public async Task Should_hold_a_small_answer_in_memory_and_send_it_whole_once_the_worker_is_done()
    {
        var (context, client) = Request();
        var answer = Bytes(10_000);
        await using var buffer = ResponseBuffer.Install(context, MemoryThreshold);

        await context.Response.Body.WriteAsync(answer);
        var sentBeforeCheckin = client.Length;
        await buffer.SendToClientAsync(send: true, CancellationToken.None);

        Assert.Equal(0, sentBeforeCheckin);
        Assert.Empty(TempFiles.Buffers);
        Assert.Equal(answer, client.ToArray());
        Assert.Same(client, context.Response.Body);
    }

    [Fact]
    public async Task Should_spill_a_large_answer_to_a_temporary_file_send_every_byte_and_delete_the_file()
    {
        var (context, client) = Request();
        var answer = Bytes(3 * 1024 * 1024 + 17);
        var buffer = ResponseBuffer.Install(context, MemoryThreshold);

        foreach (var chunk in answer.Chunk(100_000))
        {
            await context.Response.Body.WriteAsync(chunk);
        }
        var filesWhileHeld = TempFiles.Buffers.Count;
        await buffer.SendToClientAsync(send: true, CancellationToken.None);
        await buffer.DisposeAsync();

        Assert.Equal(1, filesWhileHeld);
        Assert.Equal(answer, client.ToArray());
        Assert.Empty(TempFiles.Buffers);
    }

    [Fact]
    public async Task Should_delete_the_temporary_file_of_an_answer_the_client_never_took()
    {
        var (context, _) = Request();
        var buffer = ResponseBuffer.Install(context, MemoryThreshold);
        await context.Response.Body.WriteAsync(Bytes(MemoryThreshold * 4));

        await buffer.DisposeAsync();

        Assert.Empty(TempFiles.Buffers);
    }

    [Fact]
    public async Task Should_send_nothing_of_an_answer_the_forward_failed_on()
    {
        var (context, client) = Request();
        await using var buffer = ResponseBuffer.Install(context, MemoryThreshold);
        await context.Response.Body.WriteAsync(Bytes(1000));

        await buffer.SendToClientAsync(send: false, CancellationToken.None);

        Assert.Equal(0, client.Length);
        Assert.Same(client, context.Response.Body);
    }

    [Fact]
    public async Task Should_pass_writes_straight_to_the_client_once_bypassed_and_send_them_only_once()
    {
        var (context, client) = Request();
        await using var buffer = ResponseBuffer.Install(context, MemoryThreshold);
        var events = Bytes(300);

        buffer.Bypass();
        await context.Response.Body.WriteAsync(events);
        var sentAsWritten = client.ToArray();
        await buffer.SendToClientAsync(send: true, CancellationToken.None);

        Assert.Equal(events, sentAsWritten);
        Assert.Equal(events, client.ToArray());
    }

    private static (Microsoft.AspNetCore.Http.DefaultHttpContext Context, MemoryStream Client) Request()
    {
        var context = Requests.Make("GET", "/report");
        return (context, (MemoryStream)context.Response.Body);
    }

    private static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
