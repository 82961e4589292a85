namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// A coalition of the server and the corrupted clients of <see cref="Plan"/> against one honest target: the round,
/// the target, a second input for the target, and what each corrupted client advertises to honest clients (a
/// substitution kind and whose key it starts from). <see cref="Cancelling"/> scenarios arrange the copies so that,
/// without the checks of issue 9 §1, every pairwise mask of the target would cancel.
/// </summary>
public sealed record KeySubstitutionScenario(
    RoundScenario Round,
    int Target,
    uint[] AlternativeInput,
    IReadOnlyDictionary<int, (KeySubstitution Kind, int Victim)> Plan,
    int SmallOrderPick,
    bool Cancelling)
{
    /// <summary>The same round with the target's input replaced by <see cref="AlternativeInput"/>.</summary>
    public RoundScenario WithAlternativeInput()
    {
        uint[][] inputs = [.. Round.Inputs];
        inputs[Target - 1] = AlternativeInput;
        return Round with { Inputs = inputs };
    }

    public override string ToString() =>
        $"{Round}, target {Target}, {(Cancelling ? "cancelling" : "random")} plan "
        + string.Join(", ", Plan.OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value.Kind}({p.Value.Victim})"));
}
