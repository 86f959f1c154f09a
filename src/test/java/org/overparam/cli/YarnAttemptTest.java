package org.overparam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The attempt number in the container ids YARN gives ApplicationMasters (with and without the RM epoch). */
class YarnAttemptTest {
    @Test
    void theAttemptIsTheNextToLastFieldOfAContainerId() {
        assertThat(YarnAttempt.attemptOf("container_1796323793684_0004_01_000001"))
                .isEqualTo(1);
        assertThat(YarnAttempt.attemptOf("container_1796323793684_0004_02_000001"))
                .isEqualTo(2);
        assertThat(YarnAttempt.attemptOf("container_e17_1796323793684_0004_03_000001"))
                .isEqualTo(3);
        assertThat(YarnAttempt.attemptOf("application_1796323793684_0004")).isZero();
        assertThat(YarnAttempt.attemptOf("container_x_y_z_w")).isZero();
    }

    @Test
    void outsideAnApplicationMasterThereIsNoAttempt() {
        assertThat(YarnAttempt.number()).isZero();
        assertThat(YarnAttempt.earlierAttemptStarted("runs/anything")).isFalse();
    }
}
