namespace PrivateFl.ClientSdk;

/// <summary>The model families a session can train (<see cref="ModelSpecification.Kind"/>).</summary>
public enum CreditModelKind
{
    /// <summary>Logistic regression over the encoded features: the scorecard. No hidden layers.</summary>
    LogisticRegression = 1,

    /// <summary>A multilayer perceptron: one or more fully connected hidden layers and a sigmoid output, trained on log loss.</summary>
    MultilayerPerceptron = 2,
}
