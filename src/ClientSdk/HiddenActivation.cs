namespace PrivateFl.ClientSdk;

/// <summary>The activation of a <see cref="CreditModelKind.MultilayerPerceptron"/>'s hidden units.</summary>
public enum HiddenActivation
{
    /// <summary>tanh(z): bounded, so one example's gradient stays moderate, which suits per-example clipping.</summary>
    Tanh = 1,

    /// <summary>max(0, z).</summary>
    Relu = 2,
}
