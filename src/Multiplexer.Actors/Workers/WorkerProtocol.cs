namespace Multiplexer.Actors.Workers;

/// <summary>A worker's process is running on its port but not ready yet. Sent to the pool by the worker.</summary>
public sealed record WorkerStarting(int WorkerId, int Pid, int Port);

/// <summary>A worker is ready to take requests; the sender is the worker actor to address from now on.</summary>
public sealed record WorkerReady(int WorkerId, int Pid, int Port);

/// <summary>A worker actor has stopped and its process is being stopped; its supervisor decides what comes next.</summary>
public sealed record WorkerStopped(int WorkerId, string Reason, ExitStatus? Exit);

/// <summary>The pool asks a worker whose connection failed whether it still accepts connections.</summary>
public sealed record CheckWorkerHealth
{
    public static CheckWorkerHealth Instance { get; } = new();
}

/// <summary>The worker still accepts connections on its port.</summary>
public sealed record WorkerHealthy(int WorkerId);

/// <summary>The pool tells a worker to kill its process and start afresh (it hung, or failed its health check).</summary>
public sealed record RecycleWorker(string Reason);
