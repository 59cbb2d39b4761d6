namespace Multiplexer.Actors.Pool;

/// <summary>The exclusive right to send one request to one worker, until checked in.</summary>
public sealed record WorkerLease(int WorkerId, int Port, long LeaseId);
