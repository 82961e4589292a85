using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Server.Coordination;

/// <summary>What the Unmask stage returns to its clients: the round's outcome, or the expulsion request they answer with Expel (specs/protocol.md §2.9).</summary>
internal sealed record UnmaskReply(RoundOutcome? Outcome, ExpulsionRequest? Expulsion);
