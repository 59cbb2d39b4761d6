using Akka;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using Multiplexer.Actors.Processes;

namespace Multiplexer.Actors.Workers;

/// <summary>
/// A worker's stdout and stderr: both pipes read to their end whatever happens (a full pipe would block
/// the worker), every line logged with the worker's id and pid, and what readiness and crash reports need
/// handed back: the first line on stdout and every line on stderr.
/// </summary>
internal static class WorkerOutput
{
    private const int MaxLoggedLineLength = 4096;

    /// <summary>Completes when both pipes have reached their end.</summary>
    public static Task Drain(int workerId, WorkerProcess process, ILoggingAdapter log, IMaterializer materializer,
        Action firstStdoutLine, Action<string> stderrLine)
    {
        var prefix = $"[worker {workerId} pid {process.Pid}]";
        var firstSeen = false;
        return Lines(process.StandardOutput).Select(line => (Stream: "stdout", Line: line))
            .Merge(Lines(process.StandardError).Select(line => (Stream: "stderr", Line: line)))
            .RunForeach(item =>
            {
                if (!firstSeen && item.Stream == "stdout")
                {
                    firstSeen = true;
                    firstStdoutLine();
                }
                else if (item.Stream == "stderr")
                {
                    stderrLine(item.Line);
                }
                var line = item.Line.Length > MaxLoggedLineLength ? item.Line[..MaxLoggedLineLength] + "…" : item.Line;
                log.Info("{0} {1}: {2}", prefix, item.Stream, line);
            }, materializer);
    }

    private static Source<string, NotUsed> Lines(StreamReader reader) =>
        Source.UnfoldResourceAsync<string, StreamReader>(
            () => Task.FromResult(reader),
            async r => await r.ReadLineAsync().ConfigureAwait(false) is { } line ? Option<string>.Create(line) : Option<string>.None,
            r =>
            {
                r.Dispose();
                return Task.FromResult(Done.Instance);
            });
}
