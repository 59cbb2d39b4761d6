using System.IO.Pipelines;
using Multiplexer.Host.Proxy;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.Host.Tests.Proxy;

/// <summary>What a slow client has not yet taken: in memory up to a limit, beyond it in a temporary file, oldest first.</summary>
[Collection(TempFiles.Collection)]
public sealed class BacklogSpecs
{
    private const int MemoryLimit = 40_000;

    [Fact]
    public async Task Should_give_the_bytes_back_in_the_order_they_came_across_memory_segments_and_the_file()
    {
        using var backlog = new Backlog(MemoryLimit);
        var pieces = new[] { Bytes(10_000), Bytes(10_001), Bytes(10_002), Bytes(15_000), Bytes(5_000) };

        foreach (var piece in pieces)
        {
            backlog.Append(piece);
        }
        var taken = await TakeAllAsync(backlog);

        Assert.Equal(pieces.SelectMany(p => p), taken);
        Assert.True(backlog.IsEmpty);
    }

    [Fact]
    public async Task Should_keep_the_order_when_filled_again_after_the_client_took_everything()
    {
        using var backlog = new Backlog(MemoryLimit);
        var first = Bytes(MemoryLimit * 3);
        var second = Bytes(MemoryLimit + 1);

        backlog.Append(first);
        var takenFirst = await TakeAllAsync(backlog);
        backlog.Append(second);
        var takenSecond = await TakeAllAsync(backlog);

        Assert.Equal(first, takenFirst);
        Assert.Equal(second, takenSecond);
    }

    [Fact]
    public void Should_keep_what_fits_the_memory_limit_in_memory_and_spill_to_a_file_only_beyond_it()
    {
        using var backlog = new Backlog(MemoryLimit);

        backlog.Append(Bytes(MemoryLimit));
        var filesAtLimit = TempFiles.Responses.Count;
        var fitsAnotherByte = backlog.FitsInMemory(1);
        backlog.Append(Bytes(1));

        Assert.Equal(0, filesAtLimit);
        Assert.False(fitsAnotherByte);
        Assert.Single(TempFiles.Responses);
    }

    [Fact]
    public void Should_delete_its_file_when_disposed()
    {
        var backlog = new Backlog(MemoryLimit);
        backlog.Append(Bytes(MemoryLimit * 2));
        var filesWhileHeld = TempFiles.Responses.Count;

        backlog.Dispose();

        Assert.Equal(1, filesWhileHeld);
        Assert.Empty(TempFiles.Responses);
        Assert.True(backlog.IsEmpty);
    }

    /// <summary>Takes memory first, then the file piece by piece, as the spool's pump does.</summary>
    private static async Task<byte[]> TakeAllAsync(Backlog backlog)
    {
        var client = new MemoryStream();
        var writer = PipeWriter.Create(client);
        backlog.MoveMemoryTo(writer);
        while (backlog.TakeFromFile(out var offset, out var length))
        {
            backlog.CopyFromFile(offset, length, writer);
        }
        await writer.FlushAsync();
        return client.ToArray();
    }

    private static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
