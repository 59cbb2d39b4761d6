using Akka.Actor;
using Akka.Hosting;

namespace Multiplexer.Host.Tests.Infrastructure;

/// <summary>An actor the host would find in Akka.Hosting's registry, here a test probe.</summary>
internal sealed class FixedActor<TActor>(IActorRef actor) : IRequiredActor<TActor>
{
    public IActorRef ActorRef => actor;

    public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(actor);
}
