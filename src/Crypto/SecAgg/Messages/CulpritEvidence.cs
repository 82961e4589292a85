namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// The evidence that survivor <paramref name="Culprit"/> dealt its self-mask seed inconsistently: every share of b_u
/// revealed at unmasking, each opening the culprit's own (in active mode, signed) commitment, that together either do
/// not lie on one polynomial of degree &lt; t or interpolate to a seed that C_u does not commit to (specs/protocol.md §2.9).
/// </summary>
/// <param name="Culprit">The survivor expelled from the sum.</param>
/// <param name="Shares">The shares of its b_u the server holds, at least t, with distinct holders.</param>
public sealed record CulpritEvidence(int Culprit, IReadOnlyList<DealtShareEvidence> Shares);
