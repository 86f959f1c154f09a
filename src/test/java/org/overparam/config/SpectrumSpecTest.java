package org.overparam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.overparam.UserError;

/** The adaptive preconditioner's settings: off by default, and refused when they cannot adapt. */
class SpectrumSpecTest {
    static Config with(String lanczos) {
        return ConfigFactory.parseString("spectrum.lanczos { " + lanczos + " }")
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    @Test
    void theRankIsFixedUnlessAMaximumAboveItIsGiven() {
        SpectrumSpec.Lanczos d = SpectrumSpec.from(with("")).lanczos;
        assertThat(d.preconditionerMaxRank).isZero();
        assertThat(d.preconditionerRank).isEqualTo(300);
        assertThat(d.preconditionerCondition).isEqualTo(10.0);
        SpectrumSpec.Lanczos a = SpectrumSpec.from(with("preconditioner-max-rank = 2000")).lanczos;
        assertThat(a.preconditionerMaxRank).isEqualTo(2000);
    }

    @Test
    void aMaximumBelowTheStartingRankOrAConditionOfAtMostOneIsRefused() {
        UserError low = assertThrows(UserError.class, () -> SpectrumSpec.from(with("preconditioner-max-rank = 100")));
        assertThat(low.getMessage())
                .contains("spectrum.lanczos.preconditioner-max-rank")
                .contains("preconditioner-rank = 300")
                .contains("found 100");
        UserError one = assertThrows(UserError.class, () -> SpectrumSpec.from(with("preconditioner-condition = 1")));
        assertThat(one.getMessage()).contains("preconditioner-condition").contains("found 1.0");
    }
}
