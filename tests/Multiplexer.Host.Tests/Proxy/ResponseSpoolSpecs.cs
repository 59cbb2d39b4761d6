using Microsoft.AspNetCore.Http;
using Multiplexer.Host.Proxy;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.Host.Tests.Proxy;

/// <summary>A worker's answer goes to the client as it is written; what a slow client has not taken is kept, so the worker is free.</summary>
[Collection(TempFiles.Collection)]
public sealed class ResponseSpoolSpecs
{
    private const int MemoryLimit = 64 * 1024;
    private const int Chunk = 16 * 1024;

    [Fact]
    public async Task Should_send_each_write_to_the_client_as_it_is_written_while_the_client_keeps_up()
    {
        var context = Requests.Make("GET", "/report");
        var client = (MemoryStream)context.Response.Body;
        var answer = Bytes(3 * Chunk + 5);
        var spool = ResponseSpool.Install(context, MemoryLimit);

        var sentAsWritten = new List<int>();
        foreach (var chunk in answer.Chunk(Chunk))
        {
            await context.Response.Body.WriteAsync(chunk);
            sentAsWritten.Add((int)client.Length);
        }
        await spool.SendRestAsync();

        Assert.Equal([Chunk, 2 * Chunk, 3 * Chunk, answer.Length], sentAsWritten);
        Assert.Equal(answer, client.ToArray());
        Assert.Empty(TempFiles.Responses);
        Assert.Same(client, context.Response.Body);
        Assert.Null(context.Features.Get<ResponseSpool>());
    }

    [Fact]
    public async Task Should_free_the_forwarder_from_a_slow_client_send_every_byte_and_delete_the_temporary_file()
    {
        var (context, client) = SlowRequest();
        var answer = Bytes(3 * 1024 * 1024 + 17);
        var spool = ResponseSpool.Install(context, MemoryLimit);

        await WriteAsync(context, answer);
        var takenWhileWritten = client.Taken.Length;
        var filesWhileBehind = TempFiles.Responses.Count;
        await Task.WhenAll(client.TakeAsync(answer.Length), spool.SendRestAsync().AsTask());

        Assert.Equal(0, takenWhileWritten);
        Assert.Equal(1, filesWhileBehind);
        Assert.Equal(answer, client.Taken);
        Assert.Empty(TempFiles.Responses);
    }

    [Fact]
    public async Task Should_keep_in_memory_what_a_client_a_little_behind_has_not_taken_and_send_it_in_order()
    {
        var (context, client) = SlowRequest();
        var answer = Bytes(3 * Chunk);
        var spool = ResponseSpool.Install(context, MemoryLimit);

        await WriteAsync(context, answer);
        var filesWhileBehind = TempFiles.Responses.Count;
        await Task.WhenAll(client.TakeAsync(answer.Length), spool.SendRestAsync().AsTask());

        Assert.Equal(0, filesWhileBehind);
        Assert.Equal(answer, client.Taken);
    }

    [Fact]
    public async Task Should_delete_the_temporary_file_of_a_response_the_client_left_without_taking()
    {
        var (context, client) = SlowRequest();
        var spool = ResponseSpool.Install(context, MemoryLimit);
        await WriteAsync(context, Bytes(MemoryLimit * 4));
        var filesWhileBehind = TempFiles.Responses.Count;

        client.Leave();
        await context.Response.Body.WriteAsync(Bytes(Chunk));
        await spool.SendRestAsync();

        Assert.Equal(1, filesWhileBehind);
        Assert.Empty(TempFiles.Responses);
        Assert.Same(client.Stream, context.Response.Body);
    }

    [Fact]
    public async Task Should_pass_writes_straight_to_the_client_once_bypassed_and_send_them_only_once()
    {
        var context = Requests.Make("GET", "/events");
        var client = (MemoryStream)context.Response.Body;
        var spool = ResponseSpool.Install(context, MemoryLimit);
        var events = Bytes(300);

        spool.Bypass();
        await context.Response.Body.WriteAsync(events);
        var sentAsWritten = client.ToArray();
        await spool.SendRestAsync();

        Assert.Equal(events, sentAsWritten);
        Assert.Equal(events, client.ToArray());
        Assert.Same(client, context.Response.Body);
    }

    private static (DefaultHttpContext Context, SlowClient Client) SlowRequest()
    {
        var context = Requests.Make("GET", "/report");
        return (context, SlowClient.On(context));
    }

    /// <summary>Writes as the forwarder does, a piece at a time, each write done before the next.</summary>
    private static async Task WriteAsync(HttpContext context, byte[] answer)
    {
        foreach (var chunk in answer.Chunk(Chunk))
        {
            await context.Response.Body.WriteAsync(chunk);
        }
    }

    private static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
