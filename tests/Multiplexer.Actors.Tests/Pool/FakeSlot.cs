using Akka.Actor;

namespace Multiplexer.Actors.Tests.Pool;

public sealed record SlotStarted(int Id, IActorRef Slot);

public sealed record SlotStopped(int Id);

/// <summary>Stands in for a worker supervisor: reports its start and stop to a probe and does nothing else.</summary>
public sealed class FakeSlot(int id, IActorRef observer) : ReceiveActor
{
    public static Props Props(int id, IActorRef observer) => Akka.Actor.Props.Create(() => new FakeSlot(id, observer));

    protected override void PreStart() => observer.Tell(new SlotStarted(id, Self));

    protected override void PostStop() => observer.Tell(new SlotStopped(id));
}
