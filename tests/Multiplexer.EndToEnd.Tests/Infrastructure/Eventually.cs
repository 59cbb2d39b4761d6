namespace Multiplexer.EndToEnd.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>
    /// Polls a condition about the outside world, such as processes leaving /proc, which sends no
    /// event a test could await. Fails with <paramref name="what"/> after the timeout.
    /// </summary>
    public static Task TrueAsync(Func<bool> condition, string what, int timeoutMs = 10_000) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeoutMs);

    /// <summary>Polls a condition that must itself ask over the network, such as the admin listener's /status.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }
            await Task.Delay(50);
        }
    }
}
