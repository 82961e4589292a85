using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// What a key-substitution coalition got: the target's refusal (if it refused), every honest refusal, whether
/// the round aborted, and the coalition's estimate of the target's input (null when its view lacks y or b).
/// </summary>
internal sealed record CoalitionOutcome(SecAggViolation? TargetRefusal, IReadOnlyDictionary<int, SecAggViolation> Refusals, bool RoundAborted, uint[]? Estimate);
